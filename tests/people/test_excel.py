"""Excel in and out for the registry: a workbook is imported whole or not at all, only into the
uploader's grids; exports are masked unless a role and a reason reveal them, and are audited.

Who may do what here (see tests/conftest.py): heji (贺集村 staff) imports into 贺集村's grids only,
guodian (郭店村 staff) into 郭店村's only; wgy (grid worker) may import into his grid but not reveal
ID numbers; the resident may not import at all; the command-line operator imports anywhere.
"""

import io
import itertools
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from stdnum.cn import ric

from gongzhi.audit.models import AuditEvent
from gongzhi.kernel.crypto import decrypt
from gongzhi.people.excel.export import export_people
from gongzhi.people.excel.importer import ImportRejected, people_import
from gongzhi.people.excel.workbook import PEOPLE_COLUMNS, RED, example_row, template_workbook
from gongzhi.people.models import Household, ImportJob, Person, PersonTag

from ..conftest import GUODIAN, HEJI

pytestmark = pytest.mark.django_db

HEJI_G1, HEJI_G2 = HEJI + "001", HEJI + "002"
GUODIAN_G1 = GUODIAN + "001"
_seq = itertools.count(11)


def id_number(born: date = date(1980, 5, 17), male: bool = True) -> str:
    """A valid GB 11643 number of 沙洋县; the 17th digit is odd for men."""
    seq = next(_seq) * 2 + (1 if male else 0)
    body = f"420822{born:%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def person_row(name: str, grid: str, **values) -> dict:
    row = {"姓名": name, "公民身份号码": id_number(), "联系电话": "13972345678", "网格编码": grid}
    row.update(values)
    return row


def workbook(rows: list[dict], headers: list[str] | None = None) -> bytes:
    """An .xlsx with a header row and the given rows (headers: the union of the rows' keys, in order)."""
    headers = headers or list(dict.fromkeys(h for row in rows for h in row))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "实有人口"
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write(tmp_path, rows, name="people.xlsx", **kwargs):
    path = tmp_path / name
    path.write_bytes(workbook(rows, **kwargs))
    return path


def sheet_rows(data: bytes) -> list[dict]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


TWO_VILLAGES = [
    person_row(
        "贺一", HEJI_G1, 户号="0001", 与户主关系="户主", 现住址="贺集村一组 1 号", 标签="志愿者、中心户长"
    ),
    person_row("贺二", HEJI_G1, 户号="0001", 与户主关系="配偶", 现住址="贺集村一组 1 号"),
    person_row("贺三", HEJI_G2),
    person_row("郭一", GUODIAN_G1, 人口类型="流动人口", 流入原因="务工", 登记日期="2024-03-01"),
    person_row("郭二", GUODIAN_G1, 联系电话=""),
]


# ---------------------------------------------------------------- the command


def test_command_import_gives_each_village_its_own_people(tmp_path, personas, capsys):
    path = write(tmp_path, TWO_VILLAGES)
    call_command("import_people", str(path))
    assert "新增 5 人" in capsys.readouterr().out
    names = lambda user: set(Person.objects.visible_to(user).values_list("name", flat=True))  # noqa: E731
    assert names(personas.heji) == {"贺一", "贺二", "贺三"}
    assert names(personas.guodian) == {"郭一", "郭二"}
    assert names(personas.wgy) == {"贺一", "贺二"}  # his grid only
    assert names(personas.resident) == set()
    head = Person.objects.get(name="贺一")
    assert head.household.household_no == "0001" and head.relation == "户主"
    assert head.household.members.count() == 2 and head.household.address == "贺集村一组 1 号"
    assert set(head.tags.values_list("tag", flat=True)) == {"volunteer", "household_leader"}
    floating = Person.objects.get(name="郭一")
    assert floating.kind == "floating" and floating.extra == {
        "inflow_reason": "务工",
        "registered_on": "2024-03-01",
    }
    # One audit event for the whole workbook, with its counts.
    event = AuditEvent.objects.get(action="people.import")
    assert event.details["created"] == 5 and event.details["households"] == 1 and event.area_code == "420822"


def test_database_holds_no_plaintext_identifiers(tmp_path, personas):
    call_command("import_people", str(write(tmp_path, TWO_VILLAGES)))
    secrets = {row["公民身份号码"] for row in TWO_VILLAGES} | {"13972345678"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert Person.objects.count() == 5
    assert not [s for s in secrets if s in stored]
    person = Person.objects.get(name="贺三")
    assert decrypt(person.id_number_cipher) == TWO_VILLAGES[2]["公民身份号码"]
    assert (
        person.id_number_masked
        == TWO_VILLAGES[2]["公民身份号码"][:4] + "*" * 10 + TWO_VILLAGES[2]["公民身份号码"][-4:]
    )


def test_one_bad_id_number_imports_nothing_and_names_the_row(tmp_path, personas, capsys):
    rows = [dict(r) for r in TWO_VILLAGES]
    good = rows[2]["公民身份号码"]
    rows[2]["公民身份号码"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_people", str(write(tmp_path, rows)))
    err = capsys.readouterr().err
    assert "第 4 行 [公民身份号码]：公民身份号码校验位错误" in err
    assert Person.objects.count() == 0 and Household.objects.count() == 0
    assert not AuditEvent.objects.filter(action="people.import").exists()


def test_reimport_updates_instead_of_duplicating(tmp_path, personas, capsys):
    call_command("import_people", str(write(tmp_path, TWO_VILLAGES)))
    rows = [dict(r) for r in TWO_VILLAGES]
    rows[2]["联系电话"] = "13800001111"
    rows[2]["职业"] = "教师"
    rows[0]["标签"] = "五老"
    call_command("import_people", str(write(tmp_path, rows, name="again.xlsx")))
    assert "新增 0 人，更新 2 人，未变 3 人" in capsys.readouterr().out
    assert Person.objects.count() == 5 and Household.objects.count() == 1
    changed = Person.objects.get(name="贺三")
    assert decrypt(changed.phone_cipher) == "13800001111" and changed.occupation == "教师"
    assert list(PersonTag.objects.filter(person__name="贺一").values_list("tag", flat=True)) == [
        "five_elders"
    ]
    # A blank phone keeps the stored one, as in the forms.
    assert Person.objects.get(name="郭二").phone_cipher == ""


def test_absent_optional_columns_keep_stored_values(tmp_path, personas):
    call_command("import_people", str(write(tmp_path, TWO_VILLAGES)))
    lean = [{k: r[k] for k in ("姓名", "公民身份号码", "联系电话", "网格编码")} for r in TWO_VILLAGES]
    lean[0]["姓名"] = "贺一改"
    call_command("import_people", str(write(tmp_path, lean, name="lean.xlsx")))
    head = Person.objects.get(name="贺一改")
    assert head.household.household_no == "0001" and head.address == "贺集村一组 1 号"
    assert head.tags.count() == 2
    # Households named without a 现住址 column keep their address (not the grid's name).
    with_households = [
        {**row, "户号": r.get("户号"), "与户主关系": r.get("与户主关系")}
        for row, r in zip(lean, TWO_VILLAGES, strict=True)
    ]
    call_command("import_people", str(write(tmp_path, with_households, name="hh.xlsx")))
    assert Household.objects.get().address == "贺集村一组 1 号"
    assert Person.objects.get(name="郭一").extra["inflow_reason"] == "务工"


def test_blank_address_defaults_to_the_grid_name(tmp_path, personas):
    call_command("import_people", str(write(tmp_path, [person_row("无址", HEJI_G2)])))
    assert Person.objects.get(name="无址").address == "贺集村第2网格"


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([person_row("甲", HEJI_G1, 户号="9", 与户主关系="户主"), person_row("乙", HEJI_G1, 户号="9", 与户主关系="户主")],
         "第 3 行 [与户主关系]：户号 9 已有户主（第 2 行）"),
        ([person_row("甲", HEJI_G1, 户号="9", 与户主关系="户主", 现住址="一号"),
          person_row("乙", HEJI_G1, 户号="9", 与户主关系="子", 现住址="二号")], "第 3 行 [现住址]"),
        ([person_row("甲", HEJI_G1, 户号="9")], "第 2 行 [与户主关系]：填写了户号，须同时填写与户主关系"),
        ([person_row("甲", HEJI_G1, 户号="", 与户主关系="子")], "第 2 行 [户号]"),
        ([person_row("甲", HEJI, 户号="")], "第 2 行 [网格编码]：现住网格编码 420822110209 是村"),
        ([person_row("甲", HEJI_G1, 标签="村霸")], "第 2 行 [标签]：标签「村霸」不在可选范围内"),
        ([person_row("甲", HEJI_G1, 人口类型="流动人口")], "第 2 行 [流入原因]：流动人口须填写流入原因"),
        ([person_row("甲", HEJI_G1, 公民身份号码=420822198005170123.0)], "被 Excel 存成了数字"),
        ([person_row("甲\x7f", HEJI_G1)], "第 2 行 [姓名]：姓名含有不可见的控制字符（U+007F）"),
        ([person_row("甲", HEJI_G1, 现住址="一组\x85")], "第 2 行 [现住址]：现住址含有不可见的控制字符（U+0085）"),
        ([person_row("甲" * 65, HEJI_G1)], "第 2 行 [姓名]：姓名不能超过 64 个字（现有 65 个字）"),
    ],
)  # fmt: skip
def test_row_problems_name_row_and_column(tmp_path, personas, capsys, rows, expected):
    with pytest.raises(CommandError):
        call_command("import_people", str(write(tmp_path, rows)))
    assert expected in capsys.readouterr().err
    assert Person.objects.count() == 0


def test_duplicate_ids_in_one_file(tmp_path, personas, capsys):
    first = person_row("甲", HEJI_G1)
    with pytest.raises(CommandError):
        call_command("import_people", str(write(tmp_path, [first, {**first, "姓名": "乙"}])))
    assert "第 3 行 [公民身份号码]：与第 2 行的证件号码重复" in capsys.readouterr().err


def test_headers_unknown_or_missing(tmp_path, personas, capsys):
    rows = [{"姓名": "甲", "公民身份号码": id_number(), "网格编码": HEJI_G1, "爱好": "钓鱼"}]
    with pytest.raises(CommandError):
        call_command("import_people", str(write(tmp_path, rows)))
    err = capsys.readouterr().err
    assert "第 1 行 [爱好]：未知的列名「爱好」" in err and "第 1 行 [联系电话]：缺少必填列「联系电话」" in err


def test_columns_in_any_order_with_loose_headers(tmp_path, personas):
    row = person_row("乱序", HEJI_G1)
    headers = ["网格编码", " 联系电话 ", "*姓名", "公民身份号码"]
    wb = openpyxl.Workbook()
    wb.active.append(headers)
    wb.active.append([row["网格编码"], row["联系电话"], row["姓名"], row["公民身份号码"]])
    path = tmp_path / "loose.xlsx"
    wb.save(path)
    assert people_import(actor=None, source=path).created == 1


def test_corrupt_or_foreign_file_is_a_clear_error(tmp_path, personas):
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"name,id\n")
    with pytest.raises(CommandError, match=r"文件不是有效的 Excel 工作簿（\.xlsx）"):
        call_command("import_people", str(path))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_people", str(tmp_path / "missing.xlsx"))


def test_import_checks_the_actors_jurisdiction(tmp_path, personas):
    with pytest.raises(ImportRejected) as caught:
        people_import(actor=personas.heji, source=write(tmp_path, TWO_VILLAGES))
    problems = [(p.row, p.column) for p in caught.value.problems]
    assert problems == [(5, "网格编码"), (6, "网格编码")]
    assert "您无权在郭店村第1网格" in caught.value.problems[0].reason
    assert Person.objects.count() == 0


def test_someone_registered_elsewhere_is_not_moved_by_an_outsider(tmp_path, personas):
    people_import(actor=personas.guodian, source=write(tmp_path, TWO_VILLAGES[3:]))
    moved = {**TWO_VILLAGES[3], "网格编码": HEJI_G1}
    with pytest.raises(ImportRejected) as caught:
        people_import(actor=personas.heji, source=write(tmp_path, [moved], name="move.xlsx"))
    assert "已在您辖区以外登记" in caught.value.problems[0].reason
    assert Person.objects.get(name="郭一").area_id == GUODIAN_G1


def test_progress_is_reported(tmp_path, personas):
    rows = [person_row(f"人{i}", HEJI_G1) for i in range(3)]
    seen = []
    people_import(actor=None, source=write(tmp_path, rows), progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (9, 9)


# ---------------------------------------------------------------- template and export


def test_template_is_a_workbook_whose_example_imports(tmp_path, personas):
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    assert wb.sheetnames == ["实有人口", "说明"]
    assert [c.value for c in wb["实有人口"][1]] == [c.header for c in PEOPLE_COLUMNS]
    notes = [row[0] for row in wb["说明"].iter_rows(values_only=True)]
    assert all(c.header in notes for c in PEOPLE_COLUMNS)
    result = people_import(actor=personas.heji, source=write(tmp_path, [example_row()]))
    assert result.created == 1 and result.households == 1


def test_export_is_masked_and_a_revealed_export_reimports(tmp_path, personas):
    call_command("import_people", str(write(tmp_path, TWO_VILLAGES)))
    masked = sheet_rows(export_people(actor=personas.heji, queryset=Person.objects.visible_to(personas.heji)))
    assert [r["姓名"] for r in masked] == ["贺一", "贺二", "贺三"]
    assert masked[0]["公民身份号码"] == Person.objects.get(name="贺一").id_number_masked
    assert masked[0]["联系电话"] == "139****5678" and masked[0]["标签"] == "中心户长、志愿者"
    revealed = export_people(
        actor=personas.heji, queryset=Person.objects.visible_to(personas.heji), reveal=True, reason="年度核对"
    )
    assert sheet_rows(revealed)[2]["公民身份号码"] == TWO_VILLAGES[2]["公民身份号码"]
    path = tmp_path / "export.xlsx"
    path.write_bytes(revealed)
    result = people_import(actor=personas.heji, source=path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


# ---------------------------------------------------------------- pages

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """POST a file to the import page; the queued import runs at commit (Huey is immediate in tests)."""

    def post(client, data: bytes, name: str = "贺集村.xlsx"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("people:import"), {"file": SimpleUploadedFile(name, data, XLSX)})

    return post


def test_upload_with_a_row_outside_the_uploaders_village_writes_nothing(personas, upload):
    heji = personas.client("heji")
    response = upload(heji, workbook(TWO_VILLAGES[:3] + TWO_VILLAGES[4:]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("people:import_job", args=[job.pk])
    assert job.status == "failed" and job.error_count == 1
    assert Person.objects.count() == 0 and Household.objects.count() == 0
    page = heji.get(response["Location"]).content.decode()
    assert "第 5 行" in page and "网格编码" in page and "您无权在郭店村第1网格" in page
    assert "hx-trigger" not in page  # finished: the page stops polling
    marked = heji.get(reverse("people:import_job_errors", args=[job.pk]))
    assert marked.status_code == 200 and marked["Content-Type"] == XLSX
    ws = openpyxl.load_workbook(io.BytesIO(marked.getvalue())).worksheets[0]
    headers = [c.value for c in ws[1]]
    bad = ws.cell(row=5, column=headers.index("网格编码") + 1)
    assert bad.fill == RED and "您无权" in bad.comment.text
    assert headers[-1] == "错误说明" and "网格编码：您无权" in ws.cell(row=5, column=len(headers)).value
    assert ws.cell(row=2, column=len(headers)).value is None
    assert ws.cell(row=2, column=headers.index("网格编码") + 1).fill != RED


def test_a_corrected_marked_workbook_imports(personas, upload, tmp_path):
    heji = personas.client("heji")
    rows = [dict(r) for r in TWO_VILLAGES[:3]]
    rows[1]["标签"] = "村霸"
    upload(heji, workbook(rows))
    job = ImportJob.objects.get()
    marked = openpyxl.load_workbook(
        io.BytesIO(heji.get(reverse("people:import_job_errors", args=[job.pk])).getvalue())
    )
    ws = marked.worksheets[0]
    headers = [c.value for c in ws[1]]
    ws.cell(row=3, column=headers.index("标签") + 1).value = "志愿者"
    buffer = io.BytesIO()
    marked.save(buffer)
    upload(heji, buffer.getvalue())  # the 错误说明 column is ignored
    assert ImportJob.objects.order_by("-pk").first().status == "done"
    assert Person.objects.visible_to(personas.heji).count() == 3


def test_successful_upload_shows_counts_and_drops_the_file(personas, upload):
    heji = personas.client("heji")
    response = upload(heji, workbook(TWO_VILLAGES[:3]))
    job = ImportJob.objects.get()
    assert job.status == "done" and job.result == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "households": 1,
    }
    assert not job.file  # the plaintext upload is not kept once imported
    page = heji.get(response["Location"]).content.decode()
    assert "已完成" in page and "新建户" in page
    event = AuditEvent.objects.get(action="people.import")
    assert event.actor == personas.heji and event.details["created"] == 3
    assert heji.get(reverse("people:import_job_errors", args=[job.pk])).status_code == 404


def test_progress_fragment_polls_until_finished(personas, tmp_path):
    job = ImportJob.objects.create(
        owner=personas.heji, filename="a.xlsx", file=SimpleUploadedFile("a.xlsx", b"PK\x03\x04")
    )
    heji = personas.client("heji")
    fragment = heji.get(reverse("people:import_job_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "排队" in fragment
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    with open(job.file.path + ".progress", "w") as fh:
        fh.write("45 90")
    fragment = heji.get(reverse("people:import_job_progress", args=[job.pk])).content.decode()
    assert 'value="50"' in fragment and "正在逐行检查" in fragment and "every 1s" in fragment
    with open(job.file.path + ".progress", "w") as fh:
        fh.write("3000 0")  # a sheet that does not declare its size: the total is not known while reading
    fragment = heji.get(reverse("people:import_job_progress", args=[job.pk])).content.decode()
    assert "已读 3,000 行" in fragment and '<progress class="bar">' in fragment


def test_template_download_is_a_workbook(personas):
    response = personas.client("wgy").get(reverse("people:import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames == ["实有人口", "说明"]


@pytest.mark.parametrize(
    "name, data, message, status",
    [
        ("people.csv", b"a,b\n", "只能上传 Excel 工作簿（.xlsx）", 400),
        ("people.xlsx", b"not a zip at all", "文件不是有效的 Excel 工作簿（.xlsx）", 400),
        ("people.xlsx", b"PK\x03\x04" + b"\0" * 1024, "文件不是有效的 Excel 工作簿（.xlsx）", 400),
        # Stopped by the upload handler while it streams in (kernel.uploads), before the form sees it.
        ("people.xlsx", b"PK\x03\x04" + b"\0" * (20 * 1024 * 1024), "超过 20 MB 的上限", 413),
    ],
)
def test_non_xlsx_and_oversized_uploads_are_refused(personas, upload, name, data, message, status):
    response = upload(personas.client("heji"), data, name=name)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_jobs_are_their_owners_only(personas, upload):
    upload(personas.client("heji"), workbook([{**TWO_VILLAGES[0], "标签": "村霸"}]))
    job = ImportJob.objects.get()
    for who in ("guodian", "gaoyang", "county"):
        client = personas.client(who)
        for name in ("people:import_job", "people:import_job_progress", "people:import_job_errors"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (who, name)
    assert personas.client("heji").get(reverse("people:import_job_errors", args=[job.pk])).status_code == 200


def test_import_page_is_for_writers_only(personas):
    assert personas.client("resident").get(reverse("people:import")).status_code == 404
    assert personas.client("auditor").get(reverse("people:import_template")).status_code == 404
    page = personas.client("wgy").get(reverse("people:import"))
    assert page.status_code == 200 and "下载导入模板" in page.content.decode()


def test_export_masked_by_default_revealed_with_role_and_reason_audited(tmp_path, personas):
    call_command("import_people", str(write(tmp_path, TWO_VILLAGES)))
    heji = personas.client("heji")
    url = reverse("people:export_people")
    masked = heji.get(url)
    assert masked.status_code == 200 and masked["Content-Type"] == XLSX
    rows = sheet_rows(masked.content)
    assert {r["姓名"] for r in rows} == {"贺一", "贺二", "贺三"}
    assert all("*" in r["公民身份号码"] for r in rows)
    # Filters are the list's: area narrows to one grid.
    assert {r["姓名"] for r in sheet_rows(heji.get(url, {"area": HEJI_G2}).content)} == {"贺三"}
    # A reveal without a reason is refused; with one, full numbers, and both exports are audited.
    refused = heji.get(url, {"reveal": "1", "reason": " "})
    assert refused.status_code == 302 and refused["Location"] == reverse("people:list")
    assert "请填写导出完整信息的事由" in heji.get(refused["Location"]).content.decode()
    revealed = sheet_rows(heji.get(url, {"reveal": "1", "reason": "年度核对", "area": HEJI_G2}).content)
    assert revealed[0]["公民身份号码"] == TWO_VILLAGES[2]["公民身份号码"]
    events = list(AuditEvent.objects.filter(action="people.export").order_by("seq"))
    assert [(e.details["rows"], e.details["revealed"]) for e in events] == [(3, False), (1, False), (1, True)]
    assert events[2].details["reason"] == "年度核对" and events[2].details["filters"] == {"area": HEJI_G2}
    assert events[2].actor == personas.heji


def test_grid_worker_may_not_reveal_id_numbers_and_the_refusal_is_audited(tmp_path, personas):
    call_command("import_people", str(write(tmp_path, TWO_VILLAGES)))
    response = personas.client("wgy").get(reverse("people:export_people"), {"reveal": "1", "reason": "核对"})
    assert response.status_code == 403
    denied = AuditEvent.objects.get(action="people.export")
    assert denied.result == "denied" and denied.details["refused_rows"] == 2


def test_outsider_exports_only_his_own_village(tmp_path, personas):
    call_command("import_people", str(write(tmp_path, TWO_VILLAGES)))
    rows = sheet_rows(personas.client("guodian").get(reverse("people:export_people")).content)
    assert {r["姓名"] for r in rows} == {"郭一", "郭二"}
    assert rows[0]["人口类型"] == "流动人口" and rows[0]["流入原因"] == "务工"
    assert personas.client("resident").get(reverse("people:export_people")).status_code == 404


def test_household_and_organization_exports(tmp_path, personas):
    from gongzhi.people.services import household_save, organization_save

    call_command("import_people", str(write(tmp_path, TWO_VILLAGES)))
    household = Household.objects.get()
    household_save(
        actor=personas.heji,
        household=household,
        data={"household_no": "0001", "area_code": HEJI_G1, "address": household.address,
              "care_colour": "yellow", "care_reason": "独居老人"},
    )  # fmt: skip
    organization_save(
        actor=personas.heji,
        data={"name": "贺集村便民超市", "kind": "individual", "area_code": HEJI_G1, "address": "贺集村一组",
              "contact_phone": "13911112222"},
    )  # fmt: skip
    heji = personas.client("heji")
    (row,) = sheet_rows(heji.get(reverse("people:export_households")).content)
    assert (row["户号"], row["户主"], row["人数"], row["关爱等级"], row["等级原因"]) == (
        "0001", "贺一", 2, "黄 · 关心户", "独居老人",
    )  # fmt: skip
    (org,) = sheet_rows(heji.get(reverse("people:export_organizations")).content)
    assert org["联系电话"] == "139****2222" and org["类别"] == "个体工商户"
    (org,) = sheet_rows(
        heji.get(reverse("people:export_organizations"), {"reveal": "1", "reason": "联系"}).content
    )
    assert org["联系电话"] == "13911112222"
    actions = list(AuditEvent.objects.filter(action__endswith="_export").values_list("action", flat=True))
    assert sorted(actions) == ["people.household_export", "people.org_export", "people.org_export"]
    assert sheet_rows(personas.client("guodian").get(reverse("people:export_households")).content) == []


def test_a_registered_households_head_is_not_replaced_silently(tmp_path, personas, capsys):
    call_command("import_people", str(write(tmp_path, TWO_VILLAGES)))
    newcomer = person_row("贺四", HEJI_G1, 户号="0001", 与户主关系="户主", 现住址="贺集村一组 1 号")
    with pytest.raises(CommandError):
        call_command("import_people", str(write(tmp_path, [newcomer], name="new-head.xlsx")))
    assert "第 2 行 [与户主关系]：户号 0001 已有户主 贺一" in capsys.readouterr().err
    # With the old head in the same workbook, the change is deliberate and goes through.
    old_head = {**TWO_VILLAGES[0], "与户主关系": "父母"}
    call_command("import_people", str(write(tmp_path, [newcomer, old_head], name="swap.xlsx")))
    household = Household.objects.get()
    assert dict(household.members.values_list("name", "relation")) == {
        "贺一": "父母",
        "贺二": "配偶",
        "贺四": "户主",
    }


def test_an_empty_household_number_takes_the_person_out(tmp_path, personas):
    call_command("import_people", str(write(tmp_path, TWO_VILLAGES)))
    out = {**TWO_VILLAGES[1], "户号": "", "与户主关系": ""}
    call_command("import_people", str(write(tmp_path, [out], name="out.xlsx")))
    person = Person.objects.get(name="贺二")
    assert person.household is None and person.relation == ""


def test_a_change_made_while_the_import_prepares_is_a_conflict_not_an_overwrite(tmp_path, personas):
    from gongzhi.kernel.errors import Conflict
    from gongzhi.people.services import person_save

    people_import(actor=personas.heji, source=write(tmp_path, TWO_VILLAGES[:3]))
    rows = [{**r, "职业": "教师"} for r in TWO_VILLAGES[:3]]

    def someone_edits_meanwhile(done, total):
        # Called once the rows are prepared and before they are written: a colleague saves a form.
        if done > total * 2 // 3 and not Person.objects.filter(occupation="村医").exists():
            person = Person.objects.get(name="贺三")
            data = {"name": "贺三", "id_number": "", "phone": "", "area_code": HEJI_G2, "address": "卫生室",
                    "occupation": "村医"}  # fmt: skip
            person_save(actor=personas.heji, data=data, person=person)

    with pytest.raises(Conflict, match="导入期间有人修改"):
        people_import(
            actor=personas.heji, source=write(tmp_path, rows, name="b.xlsx"), progress=someone_edits_meanwhile
        )
    assert Person.objects.get(name="贺三").occupation == "村医"
    assert not Person.objects.filter(occupation="教师").exists()


@override_settings(XLSX_MAX_ROWS=2)  # the real limit is 200,000 rows
def test_a_workbook_over_the_row_limit_is_refused(tmp_path, personas):
    with pytest.raises(CommandError, match="超过 2 行"):
        call_command("import_people", str(write(tmp_path, TWO_VILLAGES)))
