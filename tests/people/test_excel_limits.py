"""Files under attack and by accident (issue 10): a zip bomb or an absurd sheet is refused before
openpyxl inflates it, the marked-up workbook is built by the background job and only streamed by the
download, and every export writes user text as text (never a formula) that XML can hold."""

import io
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.office import XLSX, safe_row, xlsx_inspect
from gongzhi.people.excel.export import export_people
from gongzhi.people.excel.importer import people_import
from gongzhi.people.models import ImportJob, Person

from .test_excel import HEJI_G1, TWO_VILLAGES, person_row, workbook

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
FORMULA = '=HYPERLINK("http://evil.example/x","点此核对")'


def rewrite_sheet(data: bytes, change) -> bytes:
    """The workbook `data` with its first sheet's XML replaced by change(xml), deflated like Excel does."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            dst.writestr(info.filename, change(content) if info.filename == SHEET else content)
    return out.getvalue()


def zip_bomb(rows: int = 200_000) -> bytes:
    """A real workbook whose sheet holds `rows` identical rows: ~46 MB of XML in ~100 KB of zip."""
    base = workbook([person_row("甲", HEJI_G1)])
    row = (
        b'<row><c t="inlineStr"><is><t>' + "贺集村".encode() * 60 + b"</t></is></c>"
        b'<c t="inlineStr"><is><t>420822198005170011</t></is></c></row>'
    )

    def inflate(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", row * rows + b"</sheetData>")

    return rewrite_sheet(base, inflate)


def post_upload(client, data: bytes, capture, name="贺集村.xlsx"):
    with capture(execute=True):
        return client.post(reverse("people:import"), {"file": SimpleUploadedFile(name, data, XLSX)})


def test_a_zip_bomb_is_refused_at_upload_with_memory_flat(personas, django_capture_on_commit_callbacks):
    bomb = zip_bomb()
    inflated = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    assert len(bomb) < 1024 * 1024 and inflated > 40 * 1024 * 1024
    client = personas.client("heji")
    post_upload(client, b"PK\x03\x04 warm-up", django_capture_on_commit_callbacks)  # first-request imports
    tracemalloc.start()
    try:
        response = post_upload(client, bomb, django_capture_on_commit_callbacks)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert "压缩比异常" in response.content.decode() and "已拒绝" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert peak < 5 * 1024 * 1024, f"{peak / 1024 / 1024:.1f} MB"  # the 46 MB sheet was never inflated


def test_a_zip_bomb_is_refused_by_the_import_itself(tmp_path, personas):
    # The command line (and a job whose file was stored before this check existed) go through the
    # same look inside the zip: by ratio, and by total size when the ratio is allowed.
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb(50_000))
    with pytest.raises(CommandError, match="压缩比异常"):
        call_command("import_people", str(path))
    limits = override_settings(XLSX_MAX_RATIO=100_000, XLSX_MAX_UNCOMPRESSED_BYTES=5 * 1024 * 1024)
    with limits, pytest.raises(DomainError, match=r"解压后有 \d+ MB，超过 5 MB 的上限"):
        people_import(actor=personas.heji, source=path)
    assert not Person.objects.exists()


def corrupt_sheet() -> bytes:
    """A workbook whose sheet's deflated bytes are garbage (a truncated or damaged download)."""
    data = bytearray(workbook([person_row("甲", HEJI_G1)]))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(data)


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04" + b"\0" * 200, b"not a zip", pytest.param(None, id="corrupt-sheet")]
)
def test_malformed_zip_is_a_clear_error(data):
    data = corrupt_sheet() if data is None else data
    with pytest.raises(DomainError, match=r"文件不是有效的 Excel 工作簿（\.xlsx）") as exc:
        xlsx_inspect(io.BytesIO(data))
    assert exc.value.field == "file"


def test_a_huge_shared_string_table_is_refused():
    base = workbook([person_row("甲", HEJI_G1)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 200_000 + b"</sst>")
    limits = override_settings(XLSX_MAX_UNCOMPRESSED_BYTES=8 * 1024 * 1024, XLSX_MAX_RATIO=100_000)
    with limits, pytest.raises(DomainError, match="文字表解压后有 3 MB，超过 2 MB 的上限"):
        xlsx_inspect(out)


def test_too_many_parts_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(30):
            archive.writestr(f"xl/media/image{i}.png", b"x")
    with override_settings(XLSX_MAX_MEMBERS=20), pytest.raises(DomainError, match="31 个部件，超过 20 个"):
        xlsx_inspect(out)


@override_settings(XLSX_MAX_ROWS=50, XLSX_MAX_COLUMNS=30)
def test_sheets_over_the_row_or_column_limit_are_refused(personas, django_capture_on_commit_callbacks):
    client = personas.client("heji")
    rows = [person_row(f"人{i}", HEJI_G1) for i in range(51)]
    # A workbook as Excel saves it declares its area (<dimension>): refused at upload, before a job.
    response = post_upload(client, workbook(rows), django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "数据区域有 51 行 × 4 列（不含表头），超过 50 行 × 30 列的上限" in response.content.decode()
    # A tiny file that claims a huge area (openpyxl would pad every row to it) is refused the same way.
    claims = rewrite_sheet(workbook(rows[:2]), lambda xml: xml.replace(b'ref="A1:D3"', b'ref="A1:ZZ3"'))
    response = post_upload(client, claims, django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "3 行 × 702 列" not in response.content.decode()
    assert "2 行 × 702 列（不含表头），超过 50 行 × 30 列" in response.content.decode()
    assert not ImportJob.objects.exists()

    # A workbook with no declared area (openpyxl's write-only mode writes none) is counted as read.
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("实有人口")
    ws.append(list(rows[0]))
    for row in rows:
        ws.append(list(row.values()))
    buffer = io.BytesIO()
    wb.save(buffer)
    post_upload(client, buffer.getvalue(), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == "failed" and "工作簿超过 50 行" in job.message
    wb = openpyxl.load_workbook(io.BytesIO(workbook(rows[:1])))
    wb.active.cell(row=2, column=34, value="x")
    buffer = io.BytesIO()
    wb.save(buffer)
    wide = rewrite_sheet(buffer.getvalue(), lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    with pytest.raises(DomainError, match="第 2 行有内容超出第 30 列"):
        people_import(actor=personas.heji, source=io.BytesIO(wide))


def test_the_marked_workbook_is_built_by_the_job_and_only_streamed(
    personas, django_capture_on_commit_callbacks
):
    client = personas.client("heji")
    rows = [dict(r) for r in TWO_VILLAGES[:2]]
    rows[1]["标签"] = "村霸"
    rows[1]["现住址"] = FORMULA
    # Written as Excel writes typed text: a string cell, not a formula.
    wb = openpyxl.Workbook()
    wb.active.title = "实有人口"
    headers = list(dict.fromkeys(h for row in rows for h in row))
    wb.active.append(safe_row(wb.active, headers))
    for row in rows:
        wb.active.append(safe_row(wb.active, [row.get(h) for h in headers]))
    buffer = io.BytesIO()
    wb.save(buffer)
    post_upload(client, buffer.getvalue(), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.error_file and job.error_file.storage.exists(job.error_file.name)
    # The upload itself gone: the download cannot be rebuilding the workbook in the request.
    job.file.storage.delete(job.file.name)
    response = client.get(reverse("people:import_job_errors", args=[job.pk]))
    assert response.status_code == 200 and response.streaming and response["Content-Type"] == XLSX
    ws = openpyxl.load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    headers = [c.value for c in ws[1]]
    tags = ws.cell(row=3, column=headers.index("标签") + 1)
    assert tags.comment is not None and tags.fill.start_color.rgb == "FFFF9999"
    assert "标签" in ws.cell(row=3, column=len(headers)).value and headers[-1] == "错误说明"
    # What the uploader typed comes back as text, not as a live formula.
    address = ws.cell(row=3, column=headers.index("现住址") + 1)
    assert address.data_type == "s" and address.value == FORMULA
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    # The nightly purge removes the marked copy with the upload.
    from datetime import timedelta

    from django.utils import timezone

    from gongzhi.people.excel.jobs import import_files_purge

    name = job.error_file.name
    assert import_files_purge(now=timezone.now() + timedelta(days=8)) == 1
    assert not job.error_file.storage.exists(name)
    assert client.get(reverse("people:import_job_errors", args=[job.pk])).status_code == 404


def _all_cells(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def test_user_text_is_exported_as_text_and_imports_back_unchanged(tmp_path, personas):
    person = people_import_one(personas)
    Person.objects.filter(pk=person.pk).update(address=FORMULA, occupation="+86 种植", workplace="@村委会")
    data = export_people(
        actor=personas.heji, queryset=Person.objects.filter(pk=person.pk), reveal=True, reason="年度核对"
    )
    cells = _all_cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    address = next(c for c in cells if c.value == FORMULA)
    assert address.data_type == "s"
    # Forcing the string type (not prefixing a quote) keeps the value: our own import reads it back as is.
    result = people_import(actor=personas.heji, source=io.BytesIO(data))
    assert result.unchanged == 1 and result.updated == 0
    person.refresh_from_db()
    assert (person.address, person.occupation, person.workplace) == (FORMULA, "+86 种植", "@村委会")


def people_import_one(personas) -> Person:
    people_import(actor=personas.heji, source=io.BytesIO(workbook([person_row("贺一", HEJI_G1)])))
    return Person.objects.get(name="贺一")


def test_stored_control_characters_do_not_break_the_people_export(personas):
    person = people_import_one(personas)
    # Stored before input refused them (or imported by an older version): written straight to the row.
    Person.objects.filter(pk=person.pk).update(address="三组\x1f12\x08号\ufffe", occupation="\x07种植")
    response = personas.client("heji").get(reverse("people:export_people"))
    assert response.status_code == 200
    cells = _all_cells(response.content)
    assert "三组\ufffd12\ufffd号\ufffd" in [c.value for c in cells]
    assert "\ufffd种植" in [c.value for c in cells]
