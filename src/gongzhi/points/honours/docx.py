"""光荣榜 of a 积分分享大会 as a Word document (python-docx): names and honours only, never an
identifier or a phone number."""

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from gongzhi.kernel.office import xml_text

from ..choices import Star
from ..models import PointTally
from .models import SharingMeeting

BODY_FONT, TITLE_FONT = "宋体", "黑体"
HEADERS = ("序号", "姓名(户名)", "荣誉", "奖品", "积分")


def _font(run, name: str, size: float, bold: bool = False) -> None:
    # Word picks the East Asian font from w:eastAsia; font.name alone sets only the Latin one.
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc, text: str, *, size: float = 12, bold: bool = False, align=None, font: str = BODY_FONT):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(4)
    _font(paragraph.add_run(xml_text(text)), font, size, bold)
    return paragraph


def _cell(cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(xml_text(text)), BODY_FONT, 11, bold)


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def roll_of_honour_docx(meeting: SharingMeeting) -> bytes:
    """The roll of honour: title, date, place, the table of awardees and the five 积分之星."""
    awardees = list(meeting.awardees.select_related("account"))
    year = str(meeting.held_on.year)
    scores = dict(
        PointTally.objects.filter(account_id__in=[a.account_id for a in awardees], period=year).values_list(
            "account_id", "score"
        )
    )
    stars: dict[str, list[str]] = {s.value: [] for s in Star}
    for award in meeting.stars.select_related("account").order_by("star", "-score"):
        stars[award.star].append(award.account.name)
    village = meeting.area.name

    doc = Document()
    for section in doc.sections:
        section.top_margin = section.bottom_margin = Cm(2.54)
        section.left_margin = section.right_margin = Cm(2.5)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    doc.core_properties.title = xml_text(f"{village}{meeting.title}光荣榜")
    doc.core_properties.author = xml_text(f"{village}村(居)民委员会")

    _para(doc, "光 荣 榜", size=26, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT)
    _para(
        doc, f"{village}{meeting.title}", size=15, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT
    )
    _para(doc, f"日期：{_date(meeting.held_on)}　　地点：{meeting.place}", align=WD_ALIGN_PARAGRAPH.CENTER)

    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        _cell(cell, text, bold=True, center=True)
    for number, awardee in enumerate(awardees, start=1):
        cells = table.add_row().cells
        score = scores.get(awardee.account_id)
        values = (str(number), awardee.account.name, awardee.honour, awardee.prize or "—",
                  "" if score is None else str(score))  # fmt: skip
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            _cell(cell, text, center=index in (0, 4))
    if not awardees:
        _cell(table.add_row().cells[1], "（尚未登记获奖人）")
    _para(doc, f"注：积分为 {year} 年度累计得分（加分、扣分与更正之和，不含兑换）。", size=9)

    _para(doc, "积分之星", size=14, bold=True, font=TITLE_FONT)
    for star in Star:
        names = "、".join(stars[star.value]) or "—"
        _para(doc, f"{star.label}之星：{names}")

    if meeting.notes:
        _para(doc, "大会情况", size=14, bold=True, font=TITLE_FONT)
        for line in meeting.notes.splitlines():
            if line.strip():
                _para(doc, line.strip()).paragraph_format.first_line_indent = Pt(24)

    doc.add_paragraph()
    _para(doc, f"{village}村(居)民委员会", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, _date(meeting.held_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
