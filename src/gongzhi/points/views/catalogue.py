"""Catalogue pages: the county edits its items, bounds and award mappings; a village sees its
effective catalogue, adds local items and adjusts county items within the county's bounds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Level
from gongzhi.kernel.pages import run_action, run_form_service

from .. import catalogue
from ..choices import AwardEvent, Subject
from ..forms import AdjustForm, ItemForm, MappingForm
from ..models import AwardMapping, PointCategory, PointItem, PointItemAdjustment
from .common import area_in_reach, catalogue_roles, county_of, default_area, items_in_reach, require_staff


def _rows(area_code: str, roles: dict, q: str, category: str):
    """The catalogue as it applies in an area, one row per item with its effective points."""
    items = PointItem.objects.for_area(area_code).select_related("category")
    if q:
        items = items.filter(Q(name__contains=q) | Q(code__icontains=q))
    if category.isdigit():
        items = items.filter(category_id=int(category))
    village = area_code[:12] if len(area_code) >= 12 else ""
    adjustments = (
        {a.item_id: a for a in PointItemAdjustment.objects.filter(area_id=village)} if village else {}
    )
    rows = []
    for item in items:
        local = len(item.area_id) >= 12
        adjustment = adjustments.get(item.pk)
        rows.append({
            "item": item,
            "local": local,
            "points": adjustment.points if adjustment else item.points,
            "adjustment": adjustment,
            "subjects": "、".join(Subject(v).label for v in item.subjects if v in Subject.values),
            "can_edit": roles["village"] if local else roles["county"],
            "can_adjust": bool(village) and roles["village"] and not local
            and (item.min_points is not None or item.max_points is not None),
        })  # fmt: skip
    return rows


@login_required
def catalogue_page(request):
    """积分目录 of one area (the user's own by default), grouped by category, bounds shown."""
    require_staff(request.user)
    area = area_in_reach(request.user, request.GET.get("area", "").strip() or default_area(request.user))
    roles = catalogue_roles(request.user, area.code)
    q, category = request.GET.get("q", "").strip(), request.GET.get("category", "").strip()
    rows = _rows(area.code, roles, q, category)
    groups: dict = {}
    for row in rows:
        groups.setdefault(row["item"].category, []).append(row)
    county = area.code[:6]
    mappings = {m.event: m for m in AwardMapping.objects.filter(area_id=county).select_related("item")}
    mapping_rows = [(value, label, mappings.get(value)) for value, label in AwardEvent.choices]
    mappable = (
        PointItem.objects.filter(area_id__in=[county[:2], county[:4], county], points__gt=0, active=True)
        if roles["county"]
        else []
    )
    return render(
        request,
        "points/catalogue.html",
        {
            "area": area,
            "roles": roles,
            "groups": groups,
            "count": len(rows),
            "q": q,
            "category": category,
            "categories": PointCategory.objects.all(),
            "mapping_rows": mapping_rows,
            "mappable": mappable,
            "is_village": area.level in (Level.VILLAGE, Level.GRID, Level.MICROGRID),
        },
    )


def _back(area_code: str) -> str:
    return f"{reverse('points:catalogue')}?{urlencode({'area': area_code})}"


@login_required
def item_edit(request, pk: int | None = None):
    """Create an item for an area (county or village), or edit one made at that level."""
    require_staff(request.user)
    if pk is None:
        area = area_in_reach(request.user, request.GET.get("area", "").strip() or default_area(request.user))
        if area.level in (Level.GRID, Level.MICROGRID):
            area = area_in_reach(request.user, area.code[:12])
        item = None
    else:
        item = get_object_or_404(items_in_reach(request.user).select_related("area"), pk=pk)
        area = item.area
    county_item = area.level in (Level.COUNTY, Level.CITY, Level.PROVINCE)
    initial = {}
    if item is not None:
        initial = {f: getattr(item, f) for f in ("code", "name", "points", "subjects", "needs_evidence", "declarable",
                                                 "cap_times", "cap_period", "award_roles", "min_points", "max_points",
                                                 "star", "description", "active")}  # fmt: skip
        initial["category_id"] = str(item.category_id)
    form = ItemForm(request.POST or None, initial=initial, county_item=county_item)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            form, lambda: catalogue.item_save(actor=request.user, area=area, data=form.to_data(), item=item)
        )
    )
    if saved:
        messages.success(request, f"已保存积分项目「{saved.name}」。")
        return redirect(_back(request.GET.get("back") or area.code))
    return render(
        request,
        "points/item_form.html",
        {"form": form, "item": item, "area": area, "county_item": county_item},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def item_adjust(request, pk: int):
    """A village sets (or resets, with an empty value) its points for a county item."""
    require_staff(request.user)
    item = get_object_or_404(items_in_reach(request.user), pk=pk)
    village = area_in_reach(request.user, request.POST.get("area", "").strip()[:12])
    form = AdjustForm(request.POST)
    if not form.is_valid():
        messages.error(request, "本村分值须为整数。")
        return redirect(_back(village.code))
    points = form.cleaned_data.get("points")
    done = f"设为 {points}" if points is not None else "恢复为县级分值"
    run_action(
        request,
        lambda: catalogue.item_adjust(
            actor=request.user, item=item, village=village, points=points,
            reason=form.cleaned_data.get("reason") or "",
        ),
        lambda _: f"「{item.name}」本村分值已{done}。",
    )  # fmt: skip
    return redirect(_back(village.code))


@login_required
@require_POST
def mapping_set(request):
    """The county maps a verified report or a volunteer's mediation to a catalogue item."""
    require_staff(request.user)
    county = county_of(request.user)
    if not county:
        raise PermissionDenied("只有县(区)、市综治中心可以设置联动积分项目。")
    form = MappingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择事项和积分项目。")
        return redirect(_back(county))
    item = get_object_or_404(items_in_reach(request.user), pk=form.cleaned_data["item"])
    run_action(
        request,
        lambda: catalogue.mapping_set(
            actor=request.user,
            county=area_in_reach(request.user, county),
            event=form.cleaned_data["event"],
            item=item,
        ),
        lambda _: f"「{AwardEvent(form.cleaned_data['event']).label}」将奖励「{item.name}」。",
    )
    return redirect(_back(county))
