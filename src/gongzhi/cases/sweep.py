"""The deadline sweep: overdue marks, 督办 by rule, reminders, and emergencies not reported up.

Every change is an UPDATE conditional on the flag it sets still being empty (or the 督办 level
still being lower), so a second run — or two sweeps at once — changes nothing more.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.notices.services import notify

from . import deadlines
from .choices import OPEN_STATUSES, Action, Kind, Status, Supervision, Urgency
from .models import Case, CaseEvent
from .notify import centre_staff, notify_assignee, notify_centre

# Overdue for longer than this raises the 督办 level.
SUPERVISION_STEPS = [(timedelta(0), Supervision.NORMAL), (timedelta(days=3), Supervision.YELLOW),
                     (timedelta(days=7), Supervision.RED)]  # fmt: skip
_ORDER = {"": 0, Supervision.NORMAL: 1, Supervision.YELLOW: 2, Supervision.RED: 3}


def _event(case, action, note, data):
    CaseEvent.objects.create(case=case, action=action, actor_name="系统", from_status=case.status,
                             to_status=case.status, note=note, data=data, internal=True, created_at=timezone.now())  # fmt: skip


def _claim(case, **flag) -> bool:
    """Set a null flag; True only for the sweep that set it."""
    field = next(iter(flag))
    return bool(Case.objects.filter(pk=case.pk, **{f"{field}__isnull": True}).update(**flag))


@transaction.atomic
def cases_sweep(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"accept_overdue": 0, "overdue": 0, "supervised": 0, "due_soon": 0, "not_reported_up": 0}

    for case in Case.objects.filter(
        status=Status.SUBMITTED, accept_due__lt=now, accept_overdue_at__isnull=True
    ):
        if _claim(case, accept_overdue_at=now):
            _event(case, Action.OVERDUE, "超过受理时限未受理", {"what": "accept"})
            notify_centre(case, "已超过受理时限，请立即受理。", kind="overdue")
            counts["accept_overdue"] += 1

    for case in Case.objects.filter(status__in=OPEN_STATUSES, resolve_due__lt=now):
        if case.overdue_at is None and _claim(case, overdue_at=now):
            _event(case, Action.OVERDUE, "超过办结时限", {"what": "resolve"})
            notify_centre(case, "已超过办结时限。", kind="overdue")
            notify_assignee(case, "已超过办结时限，请尽快办结。", kind="overdue")
            counts["overdue"] += 1
        late = now - case.resolve_due
        wanted = max((level for after, level in SUPERVISION_STEPS if late >= after), key=_ORDER.get)
        lower = [lvl for lvl, rank in _ORDER.items() if rank < _ORDER[wanted]]
        if Case.objects.filter(pk=case.pk, supervision__in=lower).update(supervision=wanted):
            _event(
                case,
                Action.SUPERVISE,
                f"超期自动{Supervision(wanted).label}",
                {"level": wanted, "auto": True},
            )
            notify_assignee(case, f"{Supervision(wanted).label}：已超期，请尽快办结。", kind="supervise")
            counts["supervised"] += 1

    soon = Case.objects.filter(status__in=OPEN_STATUSES, resolve_due__gte=now, resolve_due__lt=now + timedelta(hours=24),
                               due_soon_notified_at__isnull=True)  # fmt: skip
    for case in soon:
        if _claim(case, due_soon_notified_at=now):
            notify_assignee(case, "距办结时限不足 24 小时。", kind="due_soon")
            notify_centre(case, "距办结时限不足 24 小时。", kind="due_soon")
            counts["due_soon"] += 1

    urgent = Q(urgency__in=[Urgency.URGENT, Urgency.MAJOR]) | Q(kind=Kind.EMERGENCY)
    late_up = Case.objects.filter(urgent, status__in=OPEN_STATUSES, reported_up_at__isnull=True, report_up_flagged_at__isnull=True,
                                  created_at__lt=now - timedelta(hours=deadlines.REPORT_UP_HOURS))  # fmt: skip
    for case in late_up.select_related("handling_area"):
        if _claim(case, report_up_flagged_at=now):
            _event(case, Action.OVERDUE, "紧急事项未在 1 小时内向上一级报告", {"what": "report_up"})
            parent = case.handling_area.parent_id
            if parent:
                notify(recipients=centre_staff(parent), kind="not_reported_up",
                       text=f"[{case.number}] 紧急事项未在 1 小时内上报：{case.title}", link=f"/cases/{case.pk}/")  # fmt: skip
            counts["not_reported_up"] += 1

    if any(counts.values()):
        audit_record(actor=None, action="cases.sweep", details=counts)
    return counts
