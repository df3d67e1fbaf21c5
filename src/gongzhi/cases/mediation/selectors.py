"""Reads for 人民调解: per-mediator counts for 以案定补, workrooms, candidates for a mediation."""

from datetime import date, timedelta

from django.db.models import Count, Q

from gongzhi.accounts.models import RoleGrant, User
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.roles import CENTRE_ROLES, Role

from ..selectors import _start, rate
from .models import CONCLUDED, Mediation, MediationStatus, Workroom
from .rules import WORKROOM_MEMBER_ROLES

# Roles cases/rules.can_take accepts within the owning centre's area.
TAKE_ROLES = (Role.GRID_WORKER, Role.MEDIATOR, *CENTRE_ROLES)


def concluded_mediations(*, area: str, since: date | None = None, until: date | None = None):
    """Mediations run by centres under `area` that ended within [since, until] (local days)."""
    qs = Mediation.objects.filter(prefix_q("area_id", area), status__in=CONCLUDED)
    if since:
        qs = qs.filter(ended_at__gte=_start(since))
    if until:
        qs = qs.filter(ended_at__lt=_start(until + timedelta(days=1)))
    return qs


def mediator_counts(*, area: str, since: date | None = None, until: date | None = None) -> list[dict]:
    """以案定补: for each mediator, the concluded mediations they led or assisted and how many
    succeeded. A mediation counts in the period it ended; open ones are not yet a case to pay for."""
    qs = concluded_mediations(area=area, since=since, until=until)
    succeeded = Q(status=MediationStatus.SUCCEEDED)
    tally: dict[int, dict] = {}

    def row(user_id: int) -> dict:
        return tally.setdefault(
            user_id, {"led": 0, "led_succeeded": 0, "assisted": 0, "assisted_succeeded": 0}
        )

    for item in qs.values("lead_id").annotate(n=Count("pk"), ok=Count("pk", filter=succeeded)):
        row(item["lead_id"]).update(led=item["n"], led_succeeded=item["ok"])
    through = Mediation.co_mediators.through.objects.filter(mediation__in=qs.values("pk"))
    for item in through.values("user_id").annotate(
        n=Count("pk"), ok=Count("pk", filter=Q(mediation__status=MediationStatus.SUCCEEDED))
    ):
        row(item["user_id"]).update(assisted=item["n"], assisted_succeeded=item["ok"])
    users = User.objects.in_bulk(list(tally))
    rows = []
    for user_id, counts in tally.items():
        total = counts["led"] + counts["assisted"]
        ok = counts["led_succeeded"] + counts["assisted_succeeded"]
        user = users[user_id]
        rows.append({"user_id": user_id, "name": user.display_name, "username": user.get_username(),
                     **counts, "total": total, "succeeded": ok, "failed": total - ok,
                     "success_rate": rate(ok, total)})  # fmt: skip
    rows.sort(key=lambda r: (-r["total"], -r["succeeded"], r["name"]))
    return rows


def workrooms_for(user, *, area: str = ""):
    qs = Workroom.objects.visible_to(user).select_related("area").prefetch_related("mediators")
    if area:
        qs = qs.filter(prefix_q("area_id", area))
    return qs


def workroom_candidates(area_code: str):
    """Signed-in people who may sit in a workroom of this area: member roles in it, below or above."""
    ancestors = [area_code[:n] for n in (2, 4, 6, 9, 12) if n < len(area_code)]
    grants = RoleGrant.objects.filter(role__in=WORKROOM_MEMBER_ROLES).filter(
        prefix_q("area_id", area_code) | Q(area_id__in=ancestors)
    )
    return User.objects.filter(pk__in=grants.values("user_id"), is_active=True).order_by(
        "full_name", "username"
    )


def mediation_candidates(case, workroom: Workroom | None = None):
    """People a lead or co-mediator may be chosen from: mediators, grid workers and staff of the
    owning centre's area, staff of the centres above it, and the workroom's members."""
    ancestors = [case.handling_area_id[:n] for n in (2, 4, 6, 9) if n < len(case.handling_area_id)]
    q = Q(prefix_q("area_id", case.handling_area_id), role__in=TAKE_ROLES) | Q(
        area_id__in=ancestors, role__in=CENTRE_ROLES
    )
    if case.assignee_department_id:
        q |= Q(department_id=case.assignee_department_id)
    grants = RoleGrant.objects.filter(q)
    ids = set(grants.values_list("user_id", flat=True))
    if case.assignee_user_id:
        ids.add(case.assignee_user_id)
    if workroom is not None:
        ids.update(workroom.mediators.values_list("pk", flat=True))
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "username")
