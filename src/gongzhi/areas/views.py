"""Pages of the area tree: the user's top areas, one area with its children, grid editing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongzhi.kernel import registry
from gongzhi.kernel.jurisdiction import has_role
from gongzhi.kernel.pages import run_form_service
from gongzhi.kernel.roles import CENTRE_ROLES

from . import selectors, services
from .forms import GridForm
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


def _map_data(area: Area) -> dict | None:
    if area.center_lat is None and not area.boundary:
        return None
    return {
        "center": [area.center_lat, area.center_lng] if area.center_lat is not None else None,
        "boundary": area.boundary,
        "tiles": settings.MAP_TILE_URL,
        "name": area.name,
    }


def _detail_context(request, area: Area, form: GridForm | None = None) -> dict:
    can_edit = area.is_grid and has_role(request.user, CENTRE_ROLES, area.code)
    if can_edit and form is None:
        form = GridForm(initial=GridForm.initial_for(area))
    query = request.GET.get("q", "").strip()
    return {
        "area": area,
        "query": query,
        "ancestors": selectors.area_ancestors(area),
        "children": selectors.area_children(area, query),
        "summary": [(Level(lv).label, n) for lv, n in selectors.area_summary(area).items()],
        "can_edit": can_edit,
        "form": form,
        "map_data": _map_data(area),
        # What the installed apps add to an area's page (grid workers, departments, the registry …).
        "panels": registry.area_panels(request, area),
    }


@login_required
def detail(request, code: str):
    area = get_object_or_404(Area.objects.visible_to(request.user), pk=code)
    template = "areas/_children.html" if request.headers.get("HX-Request") else "areas/detail.html"
    return render(request, template, _detail_context(request, area))


@login_required
@require_POST
def grid_edit(request, code: str):
    area = get_object_or_404(Area.objects.visible_to(request.user), pk=code)
    form = GridForm(request.POST)
    if form.is_valid() and run_form_service(
        form, lambda: services.area_update_grid(area=area, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, "网格信息已保存。")
        return redirect("areas:detail", code=area.code)
    area.refresh_from_db()
    return render(request, "areas/detail.html", _detail_context(request, area, form), status=400)
