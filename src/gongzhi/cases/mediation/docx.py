"""人民调解协议书 as a Word document (python-docx). Identifiers appear masked, never in full."""

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from gongzhi.kernel.office import xml_text

from .models import Mediation

# §33 of the 人民调解法, printed on every agreement so the parties know the deadline.
CONFIRMATION_LINE = (
    "各方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认"
    "（《中华人民共和国人民调解法》第三十三条）。"
)
BODY_FONT, TITLE_FONT = "宋体", "黑体"
_DIGITS = "零一二三四五六七八九"
SIGN = "_" * 16


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (terms rarely exceed that)."""
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return str(n)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc, text: str = "", *, bold_lead: str = "", align=None, indent: bool = False, size: float = 12):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.space_after = Pt(4)
    if bold_lead:
        _font(paragraph.add_run(xml_text(bold_lead)), BODY_FONT, size, bold=True)
    if text:
        _font(paragraph.add_run(xml_text(text)), BODY_FONT, size)
    return paragraph


def party_line(party) -> str:
    """申请人：张三，公民身份号码 4208**********1234 — masked copies only."""
    text = f"{party.side}：{party.name}"
    if party.person_id and party.person is not None:
        person = party.person
        text += f"，{person.get_gender_display()}，公民身份号码 {person.id_number_masked}"
    elif party.organization_id and party.organization is not None:
        org = party.organization
        if org.credit_code:
            text += f"，统一社会信用代码 {org.credit_code}"
        if org.address:
            text += f"，住所 {org.address}"
    return text + "。"


def agreement_docx(mediation: Mediation) -> bytes:
    case = mediation.case
    parties = list(case.parties.select_related("person", "organization").order_by("pk"))
    mediators = [mediation.lead, *mediation.co_mediators.order_by("pk")]
    committee = f"{mediation.area.name}人民调解委员会"
    agreed_on = mediation.agreed_on or date.today()

    doc = Document()
    for section in doc.sections:
        section.top_margin = section.bottom_margin = Cm(2.54)
        section.left_margin = section.right_margin = Cm(2.8)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    doc.core_properties.title = "人民调解协议书"
    doc.core_properties.subject = xml_text(mediation.agreement_no)
    doc.core_properties.author = xml_text(committee)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("人民调解协议书"), TITLE_FONT, 22, bold=True)
    _para(doc, f"编号：{mediation.agreement_no}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=10.5)

    _para(doc, bold_lead="当事人")
    for party in parties:
        _para(doc, party_line(party), indent=True)

    _para(doc, bold_lead="纠纷简要情况")
    for line in case.description.splitlines() or [""]:
        if line.strip():
            _para(doc, line.strip(), indent=True)

    _para(doc, bold_lead="协议内容")
    _para(doc, f"经{committee}主持调解，各方当事人在自愿、平等的基础上达成如下协议：", indent=True)
    for number, term in enumerate(mediation.terms(), start=1):
        _para(doc, f"{chinese_number(number)}、{term}", indent=True)

    if mediation.performance:
        _para(doc, bold_lead="履行方式、期限")
        _para(doc, mediation.performance, indent=True)

    _para(doc, bold_lead="其他")
    _para(doc, "本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效。"
          "调解协议具有法律约束力，当事人应当按照约定履行。", indent=True)  # fmt: skip
    _para(doc, CONFIRMATION_LINE, indent=True)
    _para(doc, f"本协议一式 {len(parties) + 1} 份，当事人各执一份，{committee}留存一份。", indent=True)

    doc.add_paragraph()
    for party in parties:
        _para(doc, f"{party.side}：{party.name}　　签名（按指印）：{SIGN}")
    for mediator in mediators:
        _para(doc, f"人民调解员：{mediator.display_name}　　签名：{SIGN}")
    doc.add_paragraph()
    _para(doc, f"{committee}（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, chinese_date(agreed_on), align=WD_ALIGN_PARAGRAPH.RIGHT)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
