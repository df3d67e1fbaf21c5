"""The filtered case list as .xlsx (contact phones masked), audited."""

import io

from openpyxl import Workbook

from gongzhi.audit.services import audit_record
from gongzhi.kernel.office import safe_row

COLUMNS = [
    ("编号", "number"), ("来源", "get_channel_display"), ("类型", "get_kind_display"), ("类别", "get_category_display"),
    ("标题", "title"), ("紧急程度", "get_urgency_display"), ("状态", "get_status_display"), ("发生地", "area.name"),
    ("承办中心", "handling_area.name"), ("登记时间", "created_at"), ("办结时限", "resolve_due"),
    ("督办", "get_supervision_display"), ("评价", "get_rating_display"), ("返工次数", "rework_count"),
]  # fmt: skip


def _value(case, path: str):
    value = case
    for part in path.split("."):
        value = getattr(value, part)
    value = value() if callable(value) else value
    if hasattr(value, "tzinfo") and value is not None and value.tzinfo is not None:
        from django.utils import timezone

        value = timezone.localtime(value).replace(tzinfo=None)
    return value


def cases_workbook(*, actor, queryset, filters: dict) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("事件")
    ws.append([title for title, _ in COLUMNS])
    count = 0
    for case in queryset.iterator(chunk_size=1000):
        ws.append(safe_row(ws, [_value(case, path) for _, path in COLUMNS]))
        count += 1
    out = io.BytesIO()
    wb.save(out)
    audit_record(actor=actor, action="cases.export", object_type="case", details={"rows": count, **filters})
    return out.getvalue()
