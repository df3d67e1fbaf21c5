"""Reads of the area tree."""

from django.db.models import Count, Q

from gongzhi.kernel.jurisdiction import area_codes_for, may_reach, requested_area_code
from gongzhi.kernel.roles import Role

from .models import Area, Level


def area_children(area: Area, query: str = ""):
    """Children of an area with their own child counts (one query), optionally filtered by name or code."""
    qs = Area.objects.filter(parent=area)
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(code__startswith=query))
    return qs.annotate(child_count=Count("children", distinct=True)).order_by("code")


def area_ancestors(area: Area) -> list[Area]:
    """Ancestors, top first (names of the path are public, so no scope filter)."""
    by_code = Area.objects.in_bulk(area.ancestor_codes())
    return [by_code[c] for c in area.ancestor_codes() if c in by_code]


def area_summary(area: Area) -> dict:
    """Counts of each level below an area, by code prefix (index range scans)."""
    rows = Area.objects.under(area.code).values("level").annotate(n=Count("code"))
    counts = {row["level"]: row["n"] for row in rows}
    return {level: counts.get(level.value, 0) for level in Level if counts.get(level.value)}


def top_areas_for(user):
    """The highest areas a user can see: roots of their visible forest."""

    if user.is_superuser:
        return list(Area.objects.filter(parent__isnull=True))
    codes = sorted(set(area_codes_for(user)), key=len)
    roots: list[str] = []
    for code in codes:
        if not any(code.startswith(r) for r in roots):
            roots.append(code)
    return list(Area.objects.filter(code__in=roots).order_by("code"))


def search_areas(user, text: str, limit: int = 20):
    """Areas visible to the user whose name or code matches."""
    text = text.strip()
    if not text:
        return Area.objects.none()
    return Area.objects.visible_to(user).filter(Q(name__contains=text) | Q(code__startswith=text))[:limit]


def grid_workers_of(area: Area) -> list:
    """Users who hold the grid worker role on this grid (or on this 微网格's grid). Users reach
    areas through the `grants` contract of the floor (kernel.jurisdiction), so areas need not
    import accounts."""
    from django.contrib.auth import get_user_model

    codes = [area.code] + ([area.code[:15]] if area.level == Level.MICROGRID else [])
    users = get_user_model().objects.filter(grants__role=Role.GRID_WORKER, grants__area_id__in=codes)
    return list(users.distinct().order_by("username"))


def requested_area(request, roles=None, **options) -> Area:
    """The Area a page or API call asks for, checked by kernel.jurisdiction.requested_area_code
    (a 404 when out of reach, malformed or unknown)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Area, pk=requested_area_code(request, roles, **options))


def area_in_reach(user, code: str, roles=None, **options) -> Area:
    """The Area of `code` when kernel.jurisdiction.may_reach allows it, else a 404."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    if not may_reach(user, code, roles, **options):
        raise Http404
    return get_object_or_404(Area, pk=code)
