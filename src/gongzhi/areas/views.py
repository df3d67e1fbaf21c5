"""Pages of the area tree: the user's top areas, and one area with its children."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from gongzhi.accounts.selectors import departments_for, grid_workers_of

from . import selectors
from .models import Area, Level


@login_required
def index(request):
    query = request.GET.get("q", "").strip()
    roots = selectors.top_areas_for(request.user)
    if not query and len(roots) == 1:
        return redirect("areas:detail", code=roots[0].code)
    return render(
        request,
        "areas/index.html",
        {
            "roots": roots,
            "query": query,
            "results": selectors.search_areas(request.user, query) if query else [],
        },
    )


@login_required
def detail(request, code: str):
    area = get_object_or_404(Area.objects.visible_to(request.user), pk=code)
    context = {
        "area": area,
        "ancestors": selectors.area_ancestors(area),
        "children": selectors.area_children(area),
        "summary": [(Level(lv).label, n) for lv, n in selectors.area_summary(area).items()],
        "departments": departments_for(request.user, area),
        "grid_workers": grid_workers_of(area) if area.is_grid else [],
    }
    template = "areas/_children.html" if request.headers.get("HX-Request") else "areas/detail.html"
    return render(request, template, context)
