"""API /api/v1/points/catalogue: the effective catalogue of an area, the county's and villages'
items, a village's adjustment within the county's bounds, and the county's award mappings."""

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from gongzhi.kernel.api import Page, paginate
from gongzhi.kernel.errors import DomainError

from .. import catalogue
from ..choices import AwardEvent
from ..models import AwardMapping, PointCategory, PointItem, PointItemAdjustment
from ..views.common import area_in_reach, county_of, default_area, items_in_reach
from .accounts import _item

router = Router(tags=["积分"])


class ItemOut(Schema):
    id: int
    area_code: str = Field(description="制定单位（县或村）")
    local: bool = Field(description="村(社区)自设项目")
    category_id: int
    category: str
    code: str
    name: str
    points: int = Field(description="制定单位给定的分值")
    effective_points: int = Field(description="在所查区域实际执行的分值（含村级调整）")
    adjustment_reason: str | None
    subjects: list[str]
    needs_evidence: bool
    declarable: bool
    cap_times: int | None
    cap_period: str
    award_roles: list[str]
    min_points: int | None = Field(description="村级可调下限（空为不可调）")
    max_points: int | None = Field(description="村级可调上限（空为不可调）")
    star: str
    description: str
    active: bool


class CategoryOut(Schema):
    id: int
    code: str
    name: str


class MappingOut(Schema):
    event: str
    event_label: str
    item_id: int | None


class CataloguePage(Schema):
    area_code: str
    categories: list[CategoryOut]
    mappings: list[MappingOut]
    count: int
    limit: int
    offset: int
    items: list[ItemOut]


def item_out(item: PointItem, area_code: str = "", adjustments: dict | None = None) -> dict:
    """An item with the points it carries in `area_code` (the village's adjustment, if any)."""
    if adjustments is None:
        village = area_code[:12] if len(area_code) >= 12 else ""
        adjustments = {a.item_id: a for a in PointItemAdjustment.objects.filter(item=item, area_id=village)}
    adjustment = adjustments.get(item.pk)
    return {
        **{
            f: getattr(item, f)
            for f in ("id", "category_id", "code", "name", "points", "subjects", "needs_evidence")
        },
        **{
            f: getattr(item, f)
            for f in ("declarable", "cap_times", "cap_period", "award_roles", "min_points")
        },
        **{f: getattr(item, f) for f in ("max_points", "star", "description", "active")},
        "area_code": item.area_id,
        "local": len(item.area_id) >= 12,
        "category": item.category.name,
        "effective_points": adjustment.points if adjustment else item.points,
        "adjustment_reason": adjustment.reason if adjustment else None,
    }


class CatalogueFilters(Page):
    area_code: str = Field("", description="区划编码；默认本人所在区域")


@router.get(
    "/catalogue", response=CataloguePage, summary="某区域实际执行的积分目录（县级项目含村级调整，及本村项目）"
)
def catalogue_list(request, filters: Query[CatalogueFilters]):
    area = area_in_reach(request.user, filters.area_code or default_area(request.user))
    village = area.code[:12] if len(area.code) >= 12 else ""
    adjustments = (
        {a.item_id: a for a in PointItemAdjustment.objects.filter(area_id=village)} if village else {}
    )
    items = (
        PointItem.objects.for_area(area.code)
        .select_related("category")
        .order_by("category__order", "code", "pk")
    )
    mappings = dict(AwardMapping.objects.filter(area_id=area.code[:6]).values_list("event", "item_id"))
    page = paginate(items, filters, lambda i: item_out(i, area.code, adjustments))
    return {
        "area_code": area.code,
        "categories": [{"id": c.pk, "code": c.code, "name": c.name} for c in PointCategory.objects.all()],
        "mappings": [
            {"event": v, "event_label": label, "item_id": mappings.get(v)} for v, label in AwardEvent.choices
        ],
        **page,
    }


class ItemIn(Schema):
    category_id: int
    code: str
    name: str
    points: int = Field(description="正数为加分项，负数为扣分项")
    subjects: list[str] = Field(description="resident / party_member / household / organization / staff")
    needs_evidence: bool = False
    declarable: bool = True
    cap_times: int | None = Field(None, description="周期内上限（次）")
    cap_period: str = Field("", description="month / quarter / year；空为不限")
    award_roles: list[str] = Field([], description="可直接评定的角色；空为网格员、村(社区)综治中心")
    min_points: int | None = Field(None, description="县级项目：村级可调下限")
    max_points: int | None = Field(None, description="县级项目：村级可调上限")
    star: str = Field("", description="积分之星类别")
    description: str = ""
    active: bool = True


class ItemCreateIn(ItemIn):
    area_code: str = Field(description="制定单位：县(区)编码，或村(社区)编码（本村项目）")


@router.post("/catalogue/items", response={201: ItemOut}, summary="新增积分项目（县级或本村）")
def item_create(request, payload: ItemCreateIn):
    area = area_in_reach(request.user, payload.area_code)
    data = payload.dict()
    item = catalogue.item_save(actor=request.user, area=area, data=data)
    return Status(201, item_out(item, area.code))


def _reachable_item(request, item_id: int) -> PointItem:
    return get_object_or_404(items_in_reach(request.user).select_related("area", "category"), pk=item_id)


@router.put("/catalogue/items/{item_id}", response=ItemOut, summary="修改积分项目（只能由制定单位修改）")
def item_update(request, item_id: int, payload: ItemIn):
    item = _reachable_item(request, item_id)
    item = catalogue.item_save(actor=request.user, area=item.area, data=payload.dict(), item=item)
    return item_out(item, item.area_id)


class AdjustmentIn(Schema):
    area_code: str = Field(description="村(社区)编码")
    points: int | None = Field(description="本村分值；null 恢复县级分值")
    reason: str = ""


@router.put("/catalogue/items/{item_id}/adjustment", response=ItemOut, summary="村(社区)在县定范围内调整分值")
def item_adjustment(request, item_id: int, payload: AdjustmentIn):
    item = _reachable_item(request, item_id)
    village = area_in_reach(request.user, payload.area_code)
    item = catalogue.item_adjust(
        actor=request.user, item=item, village=village, points=payload.points, reason=payload.reason
    )
    return item_out(item, village.code)


class MappingIn(Schema):
    item_id: int
    area_code: str = Field("", description="县(区)编码；默认本人所在县")


@router.put(
    "/catalogue/mappings/{event}", response=MappingOut, summary="设置联动积分：某事项奖励哪个积分项目"
)
def mapping_put(request, event: AwardEvent, payload: MappingIn):
    code = payload.area_code or county_of(request.user)
    if not code:
        raise DomainError("请指定县(区)编码。", field="area_code")
    county = area_in_reach(request.user, code)
    mapping = catalogue.mapping_set(
        actor=request.user, county=county, event=event, item=_item(payload.item_id)
    )
    return {
        "event": mapping.event,
        "event_label": AwardEvent(mapping.event).label,
        "item_id": mapping.item_id,
    }
