""".xlsx exports of the 积分制: one account's ledger, an area's entries for a period, a board.
Streamed (write-only), limited to what the user may see, and audited as points.export."""

import io

from django.utils import timezone
from openpyxl import Workbook

from gongzhi.areas.models import Area
from gongzhi.audit.services import audit_record
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.errors import Forbidden
from gongzhi.kernel.jurisdiction import has_role
from gongzhi.kernel.office import safe_row, sheet_title

from . import rules
from .choices import EntryKind, Subject
from .honours import selectors
from .models import PointAccount, PointEntry

CHUNK = 2000
LEDGER_COLUMNS = ("时间", "类型", "项目", "事由", "变动", "余额", "经办人")
ENTRY_COLUMNS = ("时间", "账户", "积分主体", "区域编码", "类型", "项目", "事由", "变动", "余额", "经办人")
BOARD_COLUMNS = ("名次", "名称", "区域", "区域编码", "积分")
_KINDS = dict(EntryKind.choices)
_SUBJECTS = dict(Subject.choices)


def _local(moment):
    # Excel has no time zones: write Beijing wall-clock time.
    return timezone.localtime(moment).replace(tzinfo=None)


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet(wb: Workbook, title: str, columns, widths=()):
    ws = wb.create_sheet(sheet_title(title))
    for letter, width in widths:
        ws.column_dimensions[letter].width = width
    ws.append(safe_row(ws, list(columns)))
    return ws


def account_ledger_xlsx(*, actor, account: PointAccount) -> bytes:
    """积分明细 of one account, oldest first, with the running balance of every line."""
    if not PointAccount.objects.visible_to(actor).filter(pk=account.pk).exists():
        raise Forbidden("无权导出该账户的积分明细。")
    wb = Workbook(write_only=True)
    ws = _sheet(wb, f"{account.name}积分明细", LEDGER_COLUMNS, (("A", 20), ("C", 24), ("D", 40), ("G", 12)))
    rows = (
        PointEntry.objects.filter(account_id=account.pk)
        .order_by("seq")
        .values_list("created_at", "kind", "item_name", "reason", "delta", "balance_after", "actor_name")
    )
    count = 0
    for at, kind, item, reason, delta, after, actor_name in rows.iterator(CHUNK):
        ws.append(safe_row(ws, [_local(at), _KINDS.get(kind, kind), item, reason, delta, after, actor_name]))
        count += 1
    data = _save(wb)
    audit_record(actor=actor, action="points.export", object_type="point_account", object_id=account.pk,
                 area_code=account.area_id, details={"export": "ledger", "rows": count})  # fmt: skip
    return data


def area_entries_xlsx(*, actor, area_code: str, period: str) -> bytes:
    """Every entry booked under an area in a period (staff of the area only)."""
    if not has_role(actor, rules.READ_ROLES, area_code):
        raise Forbidden("只能导出本辖区的积分流水。")
    period = selectors.parse_period(period)
    qs = PointEntry.objects.filter(prefix_q("area_code", area_code))
    span = selectors.period_range(period)
    if span is not None:
        qs = qs.filter(created_at__gte=span[0], created_at__lt=span[1])
    rows = qs.order_by("created_at", "pk").values_list(
        "created_at", "account__name", "subject", "area_code", "kind", "item_name", "reason", "delta",
        "balance_after", "actor_name",
    )  # fmt: skip
    wb = Workbook(write_only=True)
    ws = _sheet(
        wb, f"积分流水{period}", ENTRY_COLUMNS, (("A", 20), ("B", 16), ("D", 18), ("F", 24), ("G", 40))
    )
    count = 0
    for at, name, subject, area, kind, item, reason, delta, after, actor_name in rows.iterator(CHUNK):
        ws.append(safe_row(ws, [_local(at), name, _SUBJECTS.get(subject, subject), area, _KINDS.get(kind, kind),
                                item, reason, delta, after, actor_name]))  # fmt: skip
        count += 1
    data = _save(wb)
    audit_record(actor=actor, action="points.export", object_type="point_entry", area_code=area_code,
                 details={"export": "entries", "period": period, "rows": count})  # fmt: skip
    return data


def board_xlsx(*, actor, area_code: str, period: str, subject: str) -> bytes:
    """The whole board of an area, period and subject (staff of the area only)."""
    if not has_role(actor, rules.READ_ROLES, area_code):
        raise Forbidden("只能导出本辖区的积分排行。")
    period = selectors.parse_period(period)
    selectors.check_subject(subject)
    wb = Workbook(write_only=True)
    ws = _sheet(wb, f"{_SUBJECTS[subject]}积分排行{period}".replace("/", "、"), BOARD_COLUMNS,
                (("B", 20), ("C", 20), ("D", 18)))  # fmt: skip
    # The areas of a county number in the thousands: one query names them all.
    names = dict(Area.objects.filter(prefix_q("code", area_code)).values_list("code", "name"))
    count = 0
    for row in selectors.board_rows(area_code=area_code, period=period, subject=subject):
        ws.append(safe_row(ws, [row.rank, row.name, names.get(row.area_code, ""), row.area_code, row.score]))
        count += 1
    data = _save(wb)
    audit_record(actor=actor, action="points.export", object_type="point_board", area_code=area_code,
                 details={"export": "board", "period": period, "subject": subject, "rows": count})  # fmt: skip
    return data
