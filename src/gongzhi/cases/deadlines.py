"""Deadlines per kind, urgency and level. County staff edit the rules; these are the defaults."""

from datetime import datetime, timedelta

from .choices import Kind, Urgency
from .models import DeadlineRule

# (urgency, level) -> (accept within hours, resolve within hours)
DEFAULTS = {
    (Urgency.NORMAL, "village"): (24, 7 * 24),
    (Urgency.NORMAL, "town"): (24, 15 * 24),
    (Urgency.NORMAL, "county"): (48, 30 * 24),
    (Urgency.NORMAL, "city"): (48, 30 * 24),
    (Urgency.URGENT, "village"): (2, 48),
    (Urgency.URGENT, "town"): (2, 72),
    (Urgency.URGENT, "county"): (4, 7 * 24),
    (Urgency.URGENT, "city"): (4, 7 * 24),
    (Urgency.MAJOR, "village"): (1, 24),
    (Urgency.MAJOR, "town"): (1, 48),
    (Urgency.MAJOR, "county"): (1, 72),
    (Urgency.MAJOR, "city"): (1, 72),
}
# 紧急/重大 cases and 突发事件 go to the level above within this many hours.
REPORT_UP_HOURS = 1


def hours_for(kind: str, urgency: str, level: str) -> tuple[int, int]:
    """The most specific rule: kind+urgency+level, then any kind, then the built-in default."""
    rules = {
        r.kind: r for r in DeadlineRule.objects.filter(urgency=urgency, level=level, kind__in=[kind, ""])
    }
    rule = rules.get(kind) or rules.get("")
    if rule is not None:
        return rule.accept_hours, rule.resolve_hours
    return DEFAULTS.get((urgency, level), (24, 15 * 24))


def due_dates(kind: str, urgency: str, level: str, start: datetime) -> tuple[datetime, datetime]:
    accept, resolve = hours_for(kind, urgency, level)
    return start + timedelta(hours=accept), start + timedelta(hours=resolve)


def must_report_up(kind: str, urgency: str) -> bool:
    return urgency in (Urgency.URGENT, Urgency.MAJOR) or kind == Kind.EMERGENCY
