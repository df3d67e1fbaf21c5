"""Every .xlsx and .docx we write holds whatever is stored (issue 10): text that XML cannot hold
(control characters, U+FFFE) is written as U+FFFD instead of failing the download for everyone, and
user text in a workbook is always a string cell, never a formula. Values are put straight into rows
with the ORM, as data stored before input refused them would be."""

import io

import openpyxl
import pytest
from django.test import Client
from docx import Document

from gongzhi.areas.models import Area
from gongzhi.cases.mediation.models import Mediation
from gongzhi.cases.models import Case
from gongzhi.kernel.office import REPLACEMENT, sheet_title, xml_text
from gongzhi.points.honours import services as honours
from gongzhi.points.models import PointAccount
from tests.conftest import HEJI, HEJI_GRID1, make_user

from .cases.test_mediation import TERMS, accepted_dispute, session
from .cases.test_mediation import Api as MediationApi
from .points.honours.test_boards import person_account, post

pytestmark = pytest.mark.django_db

# No NUL: PostgreSQL text cannot store it, so no row can hold one.
DIRTY = "三组\x1f12\x08号\ufffe\x0e"
CLEAN = f"三组{REPLACEMENT}12{REPLACEMENT}号{REPLACEMENT}{REPLACEMENT}"
FORMULA = '=HYPERLINK("http://evil.example/x","点此核对")'


def test_xml_text_replaces_only_what_xml_cannot_hold():
    assert xml_text(DIRTY) == CLEAN and xml_text("a\x00b") == f"a{REPLACEMENT}b"
    kept = "tab\tLF\nCR\r 中文 emoji 😀 \x7f"
    assert xml_text(kept) == kept and xml_text(None) == "" and xml_text(12) == "12"
    assert xml_text("\ud800") == REPLACEMENT  # a lone surrogate
    assert (
        sheet_title("甲:乙/丙?[丁]*\\戊\x01" + "长" * 40)
        == ("甲_乙_丙__丁___戊" + REPLACEMENT + "长" * 40)[:31]
    )


def xlsx_cells(data: bytes) -> list:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def test_honours_roll_docx_survives_stored_control_characters(personas):
    heji = Area.objects.get(code=HEJI)
    account = person_account(personas.heji, HEJI_GRID1, "甲")
    meeting = honours.meeting_save(actor=personas.heji, area=heji, data={
        "title": "2026年积分分享大会", "held_on": "2026-12-20", "place": "贺集村党群服务中心",
        "notes": "村民代表参加。"})  # fmt: skip
    honours.meeting_awardees_set(actor=personas.heji, meeting=meeting, rows=[
        {"account_id": account.pk, "honour": "积分能手", "prize": "大米"}])  # fmt: skip
    type(meeting).objects.filter(pk=meeting.pk).update(
        title="积分\x0b大会", place=DIRTY, notes=f"第一段\x08尾\n{DIRTY}"
    )
    meeting.awardees.update(honour="能手\x08", prize="\ufffe")
    PointAccount.objects.filter(pk=account.pk).update(name="甲\x1f")
    response = personas.client("heji").get(f"/points/boards/meetings/{meeting.pk}/roll.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert CLEAN in text and f"第一段{REPLACEMENT}尾" in text and f"积分{REPLACEMENT}大会" in text
    assert [c.text for c in doc.tables[0].rows[1].cells][1:4] == [
        f"甲{REPLACEMENT}",
        f"能手{REPLACEMENT}",
        REPLACEMENT,
    ]


def test_mediation_agreement_docx_survives_stored_control_characters(client, personas):
    mediator = make_user("tiaojie", "mediator", HEJI, full_name="李调解")
    heji, tiaojie = MediationApi(client, "heji"), MediationApi(client, "tiaojie")
    case = accepted_dispute(client)
    assert heji.post(f"/cases/{case['id']}/mediation", {"lead_id": mediator.pk}).status_code == 201
    for name, side in (("李四", "申请人"), ("王五", "被申请人")):
        party = tiaojie.post(f"/cases/{case['id']}/mediation/parties", {"name": name, "side": side})
        assert party.status_code == 200, party.content
    assert session(tiaojie, case["id"]).status_code == 200
    concluded = tiaojie.post(
        f"/cases/{case['id']}/mediation/conclude", {"result": "success", "agreed_terms": TERMS}
    )
    assert concluded.status_code == 200, concluded.content
    Case.objects.filter(pk=case["id"]).update(description=f"围墙越界\x1f\n{DIRTY}")
    mediation = Mediation.objects.get(case_id=case["id"])
    Mediation.objects.filter(pk=mediation.pk).update(performance="五月前\x08履行")
    mediation.case.parties.filter(name="李四").update(name="李四\x0c")
    staff = Client()
    staff.force_login(personas.heji)
    response = staff.get(f"/cases/{case['id']}/mediation/agreement.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert CLEAN in text and f"五月前{REPLACEMENT}履行" in text and f"申请人：李四{REPLACEMENT}" in text


def test_cases_and_points_workbooks_write_text_never_formulas(client, personas):
    case = accepted_dispute(client)
    Case.objects.filter(pk=case["id"]).update(title=FORMULA + "\x1f")
    response = personas.client("heji").get("/cases/?format=xlsx")
    assert response.status_code == 200
    cells = xlsx_cells(response.content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    title = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert title.data_type == "s" and title.value == FORMULA + REPLACEMENT

    account = person_account(personas.heji, HEJI_GRID1, "甲")
    post(account, 5, reason="-2+3")  # entries are append-only: written so at the start
    post(account, 1, reason="@SUM(A1)")  # input now refuses control characters; stored ones below
    # Not a valid sheet name as is, and an invisible character stored before input refused it.
    PointAccount.objects.filter(pk=account.pk).update(name="甲:乙/丙?\x07")
    response = personas.client("heji").get(f"/points/boards/export/ledger/{account.pk}.xlsx")
    assert response.status_code == 200
    cells = xlsx_cells(response.content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value: c.data_type for c in cells}
    assert values["-2+3"] == "s" and values["@SUM(A1)"] == "s"
