"""Exporting people, households and organisations to .xlsx: masked by default, revealed only with a role
and a reason, one audit event per export. The people sheet has the import template's headers."""

import io
from types import SimpleNamespace

import openpyxl
from django.db.models import Count, OuterRef, Subquery

from gongzhi.audit.services import audit_record
from gongzhi.kernel.crypto import decrypt
from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.office import safe_row

from ..choices import EXTRA_FIELDS, Relation, Tag
from ..models import Person
from ..services import may_reveal
from .workbook import PEOPLE_COLUMNS, SHEET_TITLE, Column, header_cells, style_header

CHUNK = 2000
_TAG_LABELS = dict(Tag.choices)
_TAG_ORDER = {value: i for i, value in enumerate(Tag.values)}


def _check_reveal(actor, queryset, field: str, action: str, reason: str, object_type: str) -> str:
    # Checked over every row before any is written: an export is revealed entirely or not at all.
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError("请填写导出完整信息的事由（至少 2 个字）。", field="reason")
    names = ["area_id", "hukou_area_id"] if object_type == "person" else ["area_id"]
    allowed: dict[tuple, bool] = {}
    refused = 0
    for codes in queryset.order_by().values_list(*names).iterator(CHUNK):
        if codes not in allowed:
            allowed[codes] = may_reveal(actor, SimpleNamespace(**dict(zip(names, codes, strict=True))), field)
        refused += not allowed[codes]
    if refused:
        # Recorded outside any transaction of ours, so the refusal stays on record after the error.
        audit_record(
            actor=actor, action=action, object_type=object_type, result="denied",
            details={"revealed": True, "refused_rows": refused},
        )  # fmt: skip
        what = "证件号码" if field == "id_number" else "联系电话"
        raise Forbidden(f"导出范围内有 {refused} 条记录您无权查看完整{what}，请缩小范围或不勾选完整导出。")
    return reason


def _workbook(title: str, columns: list[Column], rows, widths: dict | None = None) -> tuple[bytes, int]:
    """A one-sheet workbook streamed from `rows` (write-only), and how many rows it has."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(title)
    style_header(ws, columns, widths)
    ws.append(header_cells(ws, columns))
    count = 0
    for row in rows:
        ws.append(safe_row(ws, row))
        count += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), count


def _audit(actor, action: str, object_type: str, count: int, filters, reveal: bool, reason: str) -> None:
    details = {"rows": count, "filters": {k: v for k, v in (filters or {}).items() if v}, "revealed": reveal}
    if reveal:
        details["reason"] = reason[:200]
    audit_record(actor=actor, action=action, object_type=object_type, details=details)


def _person_row(person: Person, reveal: bool) -> list:
    extra = person.extra or {}
    values = {
        "name": person.name,
        "id_number": decrypt(person.id_number_cipher) if reveal else person.id_number_masked,
        "phone": (decrypt(person.phone_cipher) if reveal else person.phone_masked)
        if person.phone_cipher
        else "",
        "area_code": person.area_id,
        "gender": person.get_gender_display(),
        "birth_date": person.birth_date,
        "ethnicity": person.ethnicity,
        "id_type": person.get_id_type_display(),
        "political_status": person.political_status,
        "education": person.education,
        "marital_status": person.marital_status,
        "occupation": person.occupation,
        "workplace": person.workplace,
        "kind": person.get_kind_display(),
        "address": person.address,
        "hukou_area_code": person.hukou_area_id or "",
        "hukou_address": person.hukou_address,
        "household_no": person.household.household_no if person.household else "",
        "relation": person.relation,
        "tags": "、".join(
            str(_TAG_LABELS.get(t, t)) for t in sorted((t.tag for t in person.tags.all()), key=_TAG_ORDER.get)
        ),
    }
    for key in (k for items in EXTRA_FIELDS.values() for k in items):
        values[f"extra.{key}"] = extra.get(key, "")
    return [values[c.key] for c in PEOPLE_COLUMNS]


def export_people(
    *, actor, queryset, reveal: bool = False, reason: str = "", filters: dict | None = None
) -> bytes:
    """People as a workbook that the importer reads back; full identifiers only when revealed."""
    queryset = queryset.select_related("household").prefetch_related("tags")
    if reveal:
        reason = _check_reveal(actor, queryset, "id_number", "people.export", reason, "person")
    rows = (_person_row(p, reveal) for p in queryset.iterator(CHUNK))
    data, count = _workbook(
        SHEET_TITLE, PEOPLE_COLUMNS, rows, {"公民身份号码": 22, "网格编码": 18, "现住址": 28}
    )
    _audit(actor, "people.export", "person", count, filters, reveal, reason)
    return data


HOUSEHOLD_COLUMNS = [
    Column(h, k)
    for h, k in [
        ("户号", "household_no"), ("网格编码", "area_code"), ("所属网格", "area_name"), ("住址", "address"),
        ("户主", "head"), ("人数", "members"), ("关爱等级", "care_colour"), ("等级原因", "care_reason"),
    ]
]  # fmt: skip


def export_households(*, actor, queryset, filters: dict | None = None) -> bytes:
    """Households with their head, member count and care colour (三色管理); no identifiers to mask."""
    head = Person.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD).values("name")[:1]
    queryset = queryset.annotate(head_name=Subquery(head)).select_related("area")
    if "member_count" not in queryset.query.annotations:
        members = Person.objects.filter(household=OuterRef("pk")).order_by().values("household")
        queryset = queryset.annotate(member_count=Subquery(members.annotate(n=Count("pk")).values("n")))
    rows = (
        [
            h.household_no, h.area_id, h.area.name, h.address, h.head_name or "", h.member_count or 0,
            h.get_care_colour_display(), h.care_reason,
        ]
        for h in queryset.iterator(CHUNK)
    )  # fmt: skip
    widths = {"住址": 30, "网格编码": 18, "所属网格": 18, "等级原因": 24}
    data, count = _workbook("户", HOUSEHOLD_COLUMNS, rows, widths)
    _audit(actor, "people.household_export", "household", count, filters, False, "")
    return data


ORG_COLUMNS = [
    Column(h, k)
    for h, k in [
        ("名称", "name"), ("类别", "kind"), ("统一社会信用代码", "credit_code"), ("网格编码", "area_code"),
        ("地址", "address"), ("联系人", "contact_name"), ("联系电话", "contact_phone"), ("从业人数", "employees"),
    ]
]  # fmt: skip


def export_organizations(
    *, actor, queryset, reveal: bool = False, reason: str = "", filters: dict | None = None
) -> bytes:
    """Organisations; the contact phone is masked unless revealed."""
    if reveal:
        reason = _check_reveal(actor, queryset, "phone", "people.org_export", reason, "organization")

    def rows():
        for org in queryset.iterator(CHUNK):
            phone = org.contact_phone_masked
            if reveal and org.contact_phone_cipher:
                phone = decrypt(org.contact_phone_cipher)
            yield [org.name, org.get_kind_display(), org.credit_code, org.area_id, org.address, org.contact_name,
                   phone, org.employees]  # fmt: skip

    data, count = _workbook("单位", ORG_COLUMNS, rows(), {"名称": 28, "统一社会信用代码": 22, "地址": 30})
    _audit(actor, "people.org_export", "organization", count, filters, reveal, reason)
    return data
