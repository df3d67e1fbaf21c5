"""Per-mediator counts (以案定补) as .xlsx, audited."""

import io
from datetime import date

from openpyxl import Workbook

from gongzhi.audit.services import audit_record
from gongzhi.kernel.office import safe_row

COLUMNS = [
    ("调解员", "name"), ("账号", "username"), ("主持调解", "led"), ("其中成功", "led_succeeded"),
    ("协助调解", "assisted"), ("其中成功", "assisted_succeeded"), ("合计", "total"), ("调解成功", "succeeded"),
    ("调解不成功", "failed"), ("成功率(%)", "success_rate"),
]  # fmt: skip


def counts_workbook(*, actor, area, rows: list[dict], since: date | None, until: date | None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "调解员办案统计"
    period = f"{since or '不限'} 至 {until or '不限'}"
    ws.append(safe_row(ws, [f"{area.name} 调解员办案统计（以案定补）", "", "", f"结束日期：{period}"]))
    ws.append([title for title, _ in COLUMNS])
    for row in rows:
        ws.append(safe_row(ws, [row[key] for _, key in COLUMNS]))
    ws.append(["合计", "", *(sum(r[key] for r in rows) for _, key in COLUMNS[2:-1]), None])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 16
    out = io.BytesIO()
    wb.save(out)
    audit_record(actor=actor, action="mediation.counts_export", object_type="area", object_id=area.code,
                 area_code=area.code, details={"rows": len(rows), "since": str(since or ""),
                                               "until": str(until or "")})  # fmt: skip
    return out.getvalue()
