"""API: the area tree, scoped to the caller."""

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.text import limit

from . import selectors, services
from .models import Area

router = Router(tags=["区划与网格"])


class AreaRef(Schema):
    code: str
    name: str
    level: str


class AreaOut(Schema):
    code: str
    name: str
    official_name: str
    level: str
    level_label: str
    parent_code: str | None
    path: list[AreaRef]
    child_count: int
    center: list[float] | None
    boundary: dict | None
    grid_workers: list[str]


class ChildOut(Schema):
    code: str
    name: str
    level: str
    level_label: str
    child_count: int


class GridIn(Schema):
    name: str = Field(max_length=limit(Area, "name"))
    center: list[float] | None = None
    boundary: dict | None = None


def _ref(area: Area) -> dict:
    return {"code": area.code, "name": area.name, "level": area.level}


@router.get("/", response=list[ChildOut], summary="我可见的顶层区划")
def area_roots(request):
    roots = selectors.top_areas_for(request.user)
    return [
        {**_ref(a), "level_label": a.get_level_display(), "child_count": a.children.count()} for a in roots
    ]


@router.get("/{code}", response=AreaOut, summary="区划详情")
def area_detail(request, code: str):
    area = get_object_or_404(Area.objects.visible_to(request.user), pk=code)
    return _detail(area)


@router.put("/{code}", response=AreaOut, summary="修改网格名称、中心点与边界（综治中心工作人员）")
def grid_update(request, code: str, payload: GridIn):
    area = get_object_or_404(Area.objects.visible_to(request.user), pk=code)
    if payload.center is not None and len(payload.center) != 2:
        raise DomainError("中心点须为 [纬度, 经度]。", field="center")
    lat, lng = payload.center if payload.center is not None else (None, None)
    services.area_update_grid(
        area=area,
        actor=request.user,
        name=payload.name,
        center_lat=lat,
        center_lng=lng,
        boundary=payload.boundary,
    )
    return _detail(area)


def _detail(area: Area) -> dict:
    return {
        **_ref(area),
        "official_name": area.official_name,
        "level_label": area.get_level_display(),
        "parent_code": area.parent_id,
        "path": [_ref(a) for a in selectors.area_ancestors(area)],
        "child_count": area.children.count(),
        "center": [area.center_lat, area.center_lng] if area.center_lat is not None else None,
        "boundary": area.boundary,
        "grid_workers": [u.display_name for u in selectors.grid_workers_of(area)] if area.is_grid else [],
    }


@router.get("/{code}/children", response=list[ChildOut], summary="下级区划")
def area_children(request, code: str):
    area = get_object_or_404(Area.objects.visible_to(request.user), pk=code)
    return [
        {**_ref(c), "level_label": c.get_level_display(), "child_count": c.child_count}
        for c in selectors.area_children(area)
    ]
