"""Reads of cases: work queues, the timeline, statistics."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import Substr
from django.utils import timezone

from gongzhi.kernel.codes import prefix_q

from .choices import OPEN_STATUSES, Rating, Status
from .models import Case

QUEUES = {
    "pending": "待受理",
    "todo": "待办",
    "due_soon": "即将超期",
    "overdue": "已超期",
    "supervised": "督办",
}
DUE_SOON = timedelta(hours=24)


def cases_for(user, *, queue: str = "", status: str = "", area: str = "", kind: str = "", q: str = "",
              since: date | None = None, until: date | None = None):  # fmt: skip
    qs = Case.objects.visible_to(user)
    now = timezone.now()
    if queue == "pending":
        qs = qs.filter(status=Status.SUBMITTED)
    elif queue == "todo":
        qs = qs.filter(status__in=[Status.ACCEPTED, Status.ASSIGNED, Status.RESOLVED])
    elif queue == "due_soon":
        qs = qs.filter(status__in=OPEN_STATUSES, resolve_due__gte=now, resolve_due__lt=now + DUE_SOON)
    elif queue == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, resolve_due__lt=now)
    elif queue == "supervised":
        qs = qs.filter(status__in=OPEN_STATUSES).exclude(supervision="")
    if status:
        qs = qs.filter(status=status)
    if area:
        qs = qs.filter(prefix_q("area_id", area))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(number=q) | Q(title__contains=q) | Q(description__contains=q))
    if since:
        qs = qs.filter(created_at__gte=_start(since))
    if until:
        qs = qs.filter(created_at__lt=_start(until + timedelta(days=1)))
    return qs.select_related("area", "handling_area", "assignee_user", "assignee_department")


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def queue_counts(user) -> dict[str, int]:
    return {key: cases_for(user, queue=key).count() for key in QUEUES}


def timeline(case: Case, *, for_reporter: bool):
    events = case.events.select_related("actor").prefetch_related("photos")
    return events.filter(internal=False) if for_reporter else events


def rate(numerator: int, denominator: int) -> float | None:
    """A percentage with two decimals (1063 of 1082 → 98.24), None when nothing to divide by."""
    if not denominator:
        return None
    return round(numerator * 100 / denominator, 2)


def _cases_in(area: str, since: date | None, until: date | None):
    qs = Case.objects.filter(prefix_q("area_id", area)).exclude(status=Status.MERGED)
    if since:
        qs = qs.filter(created_at__gte=_start(since))
    if until:
        qs = qs.filter(created_at__lt=_start(until + timedelta(days=1)))
    return qs


def _counts() -> dict:
    """The counts behind the KPIs, as aggregates (one query for an area, or per child area)."""
    now = timezone.now()
    closed = Q(status=Status.CLOSED)
    return {
        "received": Count("pk"),
        # A 不予受理 given in time is a response too.
        "responded": Count(
            "pk",
            filter=Q(accepted_at__isnull=False, accepted_at__lte=F("accept_due"))
            | Q(status=Status.REJECTED, closed_at__lte=F("accept_due")),
        ),
        "closed": Count("pk", filter=closed),
        "finished": Count("pk", filter=closed | Q(status=Status.RESOLVED)),
        "due": Count("pk", filter=closed | Q(status__in=OPEN_STATUSES, resolve_due__lt=now)),
        "closed_on_time": Count("pk", filter=closed & Q(closed_at__lte=F("resolve_due"))),
        "rated": Count("pk", filter=~Q(rating="")),
        "satisfied": Count("pk", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
        "reworked": Count("pk", filter=Q(rework_count__gt=0)),
        "at_village": Count("pk", filter=closed & Q(settled_level__in=["village", "grid", "microgrid"])),
        "at_town": Count("pk", filter=closed & Q(settled_level="town")),
        "at_county": Count("pk", filter=closed & Q(settled_level__in=["county", "city"])),
        # 人民调解 (one mediation per case, so the join does not multiply rows).
        "mediated": Count("mediation"),
        "mediation_concluded": Count("mediation", filter=Q(mediation__status__in=["succeeded", "failed"])),
        "mediation_succeeded": Count("mediation", filter=Q(mediation__status="succeeded")),
    }


def _report(agg: dict) -> dict:
    return {
        "counts": agg,
        "response_rate": rate(agg["responded"], agg["received"]),
        "closure_rate": rate(agg["finished"], agg["received"]),
        "on_time_rate": rate(agg["closed_on_time"], agg["due"]),
        "resolution_rate": rate(agg["closed"], agg["received"]),
        "satisfaction_rate": rate(agg["satisfied"], agg["rated"]),
        "rework_rate": rate(agg["reworked"], agg["closed"]),
        "mediation_success_rate": rate(agg["mediation_succeeded"], agg["mediation_concluded"]),
        "settled_share": {
            "village": rate(agg["at_village"], agg["closed"]),
            "town": rate(agg["at_town"], agg["closed"]),
            "county": rate(agg["at_county"], agg["closed"]),
        },
    }


def case_stats(*, area: str, since: date | None = None, until: date | None = None) -> dict:
    """KPIs for an area subtree and date range (design.md §6), in one aggregate query."""
    return _report(_cases_in(area, since, until).aggregate(**_counts()))


def child_stats(*, area: str, since: date | None = None, until: date | None = None) -> list[dict]:
    """The same KPIs for each child area (towns of a county, villages of a town), for ranking: one
    query grouped by the child's code, which is the leading part of every case's area code."""
    from gongzhi.areas.models import Area

    children = list(
        Area.objects.filter(parent_id=area, level__in=["county", "town", "village"]).order_by("code")
    )
    counts = {}
    for width in {len(child.code) for child in children}:  # one width per level, so one query
        rows = (
            _cases_in(area, since, until)
            .annotate(child=Substr("area_id", 1, width))
            .values("child")
            .annotate(**_counts())
            .order_by()
        )
        counts.update({row.pop("child"): row for row in rows})
    none = dict.fromkeys(_counts(), 0)
    return [{"area": child, **_report(counts.get(child.code, none))} for child in children]
