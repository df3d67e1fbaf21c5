"""Deadlines per kind, urgency and level. County staff edit the rules; these are the defaults."""

from datetime import datetime, timedelta

from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.jurisdiction import has_role
from gongzhi.kernel.roles import Role

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


LEVELS = [("village", "村(社区)"), ("town", "镇(街道)"), ("county", "县"), ("city", "市")]


def rule_table() -> list[dict]:
    """Every (urgency, level) with the hours in force for cases of any kind, and whether it is the default."""
    overrides = {(r.urgency, r.level): r for r in DeadlineRule.objects.filter(kind="")}
    rows = []
    for urgency, urgency_label in Urgency.choices:
        for level, level_label in LEVELS:
            rule = overrides.get((urgency, level))
            accept, resolve = (rule.accept_hours, rule.resolve_hours) if rule else DEFAULTS[(urgency, level)]
            rows.append({"urgency": urgency, "urgency_label": urgency_label, "level": level, "level_label": level_label,
                         "accept_hours": accept, "resolve_hours": resolve, "custom": rule is not None})  # fmt: skip
    return rows


def deadline_rule_set(*, actor, kind: str, urgency: str, level: str, accept_hours: int, resolve_hours: int):
    """Set the hours for a kind (or all kinds, kind='') at a level. County or city staff only."""
    from django.db import transaction

    from gongzhi.audit.services import audit_record

    if not has_role(actor, [Role.COUNTY_STAFF, Role.CITY_STAFF]):
        raise Forbidden("只有县、市综治中心工作人员可以修改办理时限。")
    if kind and kind not in Kind.values:
        raise DomainError(f"类型 {kind} 无效。", field="kind")
    if urgency not in Urgency.values:
        raise DomainError(f"紧急程度 {urgency} 无效。", field="urgency")
    if level not in dict(LEVELS):
        raise DomainError(f"层级 {level} 无效。", field="level")
    if not 1 <= accept_hours <= 24 * 30:
        raise DomainError("受理时限须在 1 小时到 30 天之间。", field="accept_hours")
    if not accept_hours <= resolve_hours <= 24 * 365:
        raise DomainError("办结时限不能短于受理时限，且不超过一年。", field="resolve_hours")
    with transaction.atomic():
        rule, _ = DeadlineRule.objects.update_or_create(
            kind=kind, urgency=urgency, level=level,
            defaults={"accept_hours": accept_hours, "resolve_hours": resolve_hours},
        )  # fmt: skip
        audit_record(actor=actor, action="cases.deadline_rule", object_type="deadline_rule", object_id=rule.pk,
                     details={"kind": kind, "urgency": urgency, "level": level, "accept_hours": accept_hours,
                              "resolve_hours": resolve_hours})  # fmt: skip
    return rule
