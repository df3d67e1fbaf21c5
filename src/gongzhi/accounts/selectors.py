"""Reads for accounts: who works where, and what a user's 工作台 shows."""

from django.db.models import Count, Prefetch

from gongzhi.areas.models import Area, Level
from gongzhi.kernel.codes import prefix_q, scope_q
from gongzhi.kernel.jurisdiction import area_codes_for, grants_of
from gongzhi.kernel.roles import Role

from .models import Department, RoleGrant


def staff_in(area: Area):
    """Every grant in the subtree of an area, for the area page's staff list."""
    return RoleGrant.objects.filter(prefix_q("area_id", area.code)).select_related(
        "user", "area", "department"
    )


def departments_for(user, area: Area | None = None):
    """Departments the user can see, each with its staff grants prefetched."""
    staff = Prefetch("rolegrant_set", queryset=RoleGrant.objects.select_related("user"), to_attr="staff")
    qs = Department.objects.visible_to(user).select_related("area").prefetch_related(staff)
    if area is not None:
        qs = qs.filter(area=area)
    return qs


def workbench(user) -> list[dict]:
    """One panel per grant: the area, what lies below it, and who works there."""
    panels = []
    for grant in grants_of(user):
        area = grant.area
        below = dict(
            Area.objects.filter(prefix_q("code", area.code))
            .exclude(code=area.code)
            .values_list("level")
            .annotate(n=Count("code"))
        )
        panels.append(
            {
                "grant": grant,
                "area": area,
                "counts": [(Level(lv).label, below[lv]) for lv in Level.values if below.get(lv)],
                "grid_workers": RoleGrant.objects.filter(
                    prefix_q("area_id", area.code), role=Role.GRID_WORKER
                ).count(),
                "grids": list(
                    Area.objects.filter(prefix_q("code", area.code), level=Level.GRID).order_by("code")[:12]
                )
                if grant.role == Role.GRID_WORKER
                else [],
            }
        )
    return panels


def users_in_scope_count(user) -> int:
    return (
        RoleGrant.objects.filter(scope_q("area_id", area_codes_for(user))).values("user").distinct().count()
    )
