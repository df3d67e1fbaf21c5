"""Who may do what to a case, at which level: the one place these rules live."""

from gongzhi.areas.models import Level
from gongzhi.kernel.errors import Conflict, Forbidden
from gongzhi.kernel.jurisdiction import grants_of, has_role
from gongzhi.kernel.roles import CENTRE_ROLES, Role

from .choices import Action, Status

# Roles that see cases by area (residents see only their own, departments what they were given).
AREA_READ_ROLES = (*CENTRE_ROLES, Role.GRID_WORKER, Role.MEDIATOR)
# Who sees the 3+X workrooms of their area: case staff, and departments (司法所 guides 人民调解).
WORKROOM_READ_ROLES = (*AREA_READ_ROLES, Role.DEPT_STAFF)
# Levels that run a 综治中心 and can own a case.
CENTRE_LEVELS = (Level.VILLAGE, Level.TOWN, Level.COUNTY, Level.CITY)

# action: (statuses it may start from, who may do it)
#   centre   — staff of the owning 综治中心 or of a centre above it
#   handler  — the assignee (a grid worker, mediator or department staff), or centre staff
#   above    — staff of a centre strictly above the owning one
#   reporter — the resident who reported it
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    Action.ACCEPT: ((Status.SUBMITTED,), "centre"),
    Action.REJECT: ((Status.SUBMITTED,), "centre"),
    Action.ASSIGN: ((Status.ACCEPTED, Status.ASSIGNED), "centre"),
    Action.NOTE: ((Status.ACCEPTED, Status.ASSIGNED), "handler"),
    Action.RETURN: ((Status.ASSIGNED,), "assignee"),
    Action.RESOLVE: ((Status.ACCEPTED, Status.ASSIGNED), "handler"),
    Action.VERIFY: ((Status.RESOLVED,), "centre"),
    Action.REOPEN: ((Status.RESOLVED,), "centre"),
    Action.ESCALATE: ((Status.SUBMITTED, Status.ACCEPTED, Status.ASSIGNED), "centre"),
    Action.DELEGATE: ((Status.SUBMITTED, Status.ACCEPTED), "centre"),
    Action.EXTEND_REQUEST: ((Status.ACCEPTED, Status.ASSIGNED), "handler"),
    Action.EXTEND_DECIDE: ((Status.ACCEPTED, Status.ASSIGNED), "centre"),
    Action.SUPERVISE: ((Status.SUBMITTED, Status.ACCEPTED, Status.ASSIGNED, Status.RESOLVED), "above"),
    Action.RATE: ((Status.CLOSED,), "reporter"),
    Action.REVISIT: ((Status.CLOSED,), "centre"),
    Action.MERGE: ((Status.SUBMITTED, Status.ACCEPTED), "centre"),
    Action.REPORT_UP: ((Status.SUBMITTED, Status.ACCEPTED, Status.ASSIGNED, Status.RESOLVED), "centre"),
}


def can_take(user, case) -> bool:
    """A person a case may be assigned to: grid worker, mediator or staff within the owning centre's area."""
    return any(
        g.role in (Role.GRID_WORKER, Role.MEDIATOR, *CENTRE_ROLES)
        and g.area_id.startswith(case.handling_area_id)
        for g in grants_of(user)
    )


def is_centre_staff(user, case) -> bool:
    return has_role(user, CENTRE_ROLES, case.handling_area_id)


def is_above(user, case) -> bool:
    code = case.handling_area_id
    return any(
        g.role in CENTRE_ROLES and code.startswith(g.area_id) and g.area_id != code for g in grants_of(user)
    )


def is_assignee(user, case) -> bool:
    if case.assignee_user_id and case.assignee_user_id == user.pk:
        return True
    return bool(case.assignee_department_id) and any(
        g.department_id == case.assignee_department_id for g in grants_of(user)
    )


_WHO = {
    "centre": is_centre_staff,
    "assignee": is_assignee,
    "handler": lambda user, case: is_assignee(user, case) or is_centre_staff(user, case),
    "above": is_above,
    "reporter": lambda user, case: case.reporter_user_id is not None and case.reporter_user_id == user.pk,
}
_WHO_LABEL = {
    "centre": "承办综治中心（或其上级）的工作人员",
    "assignee": "承办人",
    "handler": "承办人或承办综治中心的工作人员",
    "above": "上级综治中心的工作人员",
    "reporter": "反映人本人",
}


def _pending_ok(case, action: str) -> bool:
    # An extension can only be decided while one is requested.
    return action != Action.EXTEND_DECIDE or case.extension_until is not None


def allowed(user, case, action: str) -> bool:
    statuses, who = TRANSITIONS[action]
    return case.status in statuses and _pending_ok(case, action) and _WHO[who](user, case)


def check(user, case, action: str) -> None:
    """Raise Conflict for an action out of order, Forbidden for the wrong person."""
    statuses, who = TRANSITIONS[action]
    label = Action(action).label
    if case.status not in statuses:
        raise Conflict(f"事件当前状态为「{Status(case.status).label}」，不能{label}。", code="out_of_order")
    if not _WHO[who](user, case):
        raise Forbidden(f"只有{_WHO_LABEL[who]}可以{label}。")


def available_actions(user, case) -> list[str]:
    return [a for a in TRANSITIONS if allowed(user, case, a)]
