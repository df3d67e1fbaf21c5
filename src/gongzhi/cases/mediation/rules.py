"""Who may do what in a mediation: the one place these rules live (beside cases/rules.py)."""

from gongzhi.kernel.jurisdiction import grants_of, has_role
from gongzhi.kernel.roles import CENTRE_ROLES, Role

from .. import rules
from ..choices import Kind, Status
from .models import Mediation, Workroom

# Roles that may sit in a 3+X 工作室 as a signed-in member.
WORKROOM_MEMBER_ROLES = (Role.MEDIATOR, Role.DEPT_STAFF, Role.GRID_WORKER, *CENTRE_ROLES)
WORKROOM_READ_ROLES = rules.WORKROOM_READ_ROLES
# Case statuses in which a mediation can be opened: accepted, not yet resolved.
OPEN_FROM = (Status.ACCEPTED, Status.ASSIGNED)


def is_handler(user, case) -> bool:
    """The assignee or staff of the owning centre (or one above): the people who run the case."""
    return rules.is_assignee(user, case) or rules.is_centre_staff(user, case)


def is_mediator(user, mediation: Mediation) -> bool:
    return mediation.lead_id == user.pk or mediation.co_mediators.filter(pk=user.pk).exists()


def may_open(user, case) -> bool:
    return case.kind == Kind.DISPUTE and case.status in OPEN_FROM and is_handler(user, case)


def may_record(user, mediation: Mediation) -> bool:
    """Parties and sessions: any mediator of it, or the people who run the case."""
    return is_mediator(user, mediation) or is_handler(user, mediation.case)


def may_conclude(user, mediation: Mediation) -> bool:
    """The lead mediator, or the people who run the case; co-mediators assist but do not conclude."""
    return mediation.lead_id == user.pk or is_handler(user, mediation.case)


def may_manage_workroom(user, area_code: str) -> bool:
    """Staff of the village's or town's 综治中心 (or a centre above it)."""
    return has_role(user, CENTRE_ROLES, area_code)


def may_join_workroom(user, workroom: Workroom) -> bool:
    """A signed-in member holds a member role in the workroom's area, below it or above it (派驻)."""
    code = workroom.area_id
    return any(
        g.role in WORKROOM_MEMBER_ROLES and (g.area_id.startswith(code) or code.startswith(g.area_id))
        for g in grants_of(user)
    )


def may_mediate(user, case, workroom: Workroom | None) -> bool:
    """Who can be named lead or co-mediator of a case's mediation."""
    if rules.can_take(user, case) or is_handler(user, case):
        return True
    return workroom is not None and workroom.mediators.filter(pk=user.pk).exists()
