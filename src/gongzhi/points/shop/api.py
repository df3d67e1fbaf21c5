"""API /api/v1/points/shop: shops, rewards, and redemption orders (Idempotency-Key on redeem)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from gongzhi.kernel.jurisdiction import has_role
from gongzhi.kernel.text import limit

from .. import rules
from ..choices import RedemptionStatus
from ..models import PointAccount, own_account_ids
from . import services as shop
from .models import Redemption, Reward, Shop

router = Router(tags=["积分超市"])


class ShopIn(Schema):
    area_code: str = Field("", description="所属村(社区)或镇(街道)编码；修改时须与原值相同或留空")
    name: str
    address: str = ""
    hours: str = Field("", description="开放时间")
    monthly_points_limit: int | None = Field(
        None, ge=1, le=1_000_000, description="每户每月兑换上限(分)，空为不限"
    )
    active: bool = True


class ShopOut(Schema):
    id: int
    area_code: str
    area_name: str
    name: str
    address: str
    hours: str
    monthly_points_limit: int | None
    active: bool
    can_edit: bool


class RewardIn(Schema):
    kind: str = Field(description="goods 物质奖励 / service 兑换服务 / policy 政策激励 / honour 精神奖励")
    name: str
    description: str = ""
    points: int = Field(ge=1, le=shop.MAX_POINTS)
    stock: int | None = Field(None, ge=0, le=shop.MAX_STOCK, description="库存，空为不限量（物质奖励必填）")
    stock_seen: int | None = Field(
        None, ge=0, le=shop.MAX_STOCK, description="修改库存时所见的原库存，防止覆盖期间的兑换"
    )
    monthly_limit: int | None = Field(None, ge=1, le=1000, description="每个账户每月限兑次数")
    order: int = Field(0, ge=0, le=32767)
    active: bool = True


class RewardOut(Schema):
    id: int
    shop_id: int
    kind: str
    kind_label: str
    name: str
    description: str
    points: int
    stock: int | None
    monthly_limit: int | None
    order: int
    active: bool


class RestockIn(Schema):
    quantity: int = Field(ge=1, le=shop.MAX_STOCK)


class RedeemIn(Schema):
    account_id: int = Field(ge=1, description="积分账户（本人、本户；工作人员柜台代兑时为居民账户）")
    reward_id: int = Field(ge=1)


class FulfilIn(Schema):
    code: str = Field(max_length=16, description="居民出示的 6 位取货码")
    note: str = Field(
        "",
        max_length=limit(Redemption, "fulfil_note"),
        description="办理记录；政策激励必填（如：已记入授信档案）",
    )


class CancelIn(Schema):
    reason: str = Field(max_length=limit(Redemption, "cancel_reason"))


class RedemptionOut(Schema):
    id: int
    number: str
    account_id: int
    account_name: str
    reward_id: int
    reward_name: str
    reward_kind: str
    shop_id: int
    shop_name: str
    area_code: str
    points: int
    status: str
    status_label: str
    pickup_code: str | None = Field(description="取货码：只向兑换账户的持有人显示")
    fulfil_note: str
    fulfilled_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    refund_entry_id: int | None
    created_at: datetime


class RedemptionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RedemptionOut]


class RedemptionFilters(Schema):
    status: str = Field(
        "", pattern=r"^$|^(pending|fulfilled|cancelled)$", description="pending/fulfilled/cancelled"
    )
    shop_id: int | None = Field(None, ge=1)
    mine: bool = Field(False, description="只看本人、本户的兑换单")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


def shop_out(s: Shop, user) -> dict:
    return {
        **{f: getattr(s, f) for f in ("id", "name", "address", "hours", "monthly_points_limit", "active")},
        "area_code": s.area_id,
        "area_name": s.area.name,
        "can_edit": has_role(user, rules.SHOP_ROLES, s.area_id),
    }


def reward_out(r: Reward) -> dict:
    fields = (
        "id",
        "shop_id",
        "kind",
        "name",
        "description",
        "points",
        "stock",
        "monthly_limit",
        "order",
        "active",
    )
    return {**{f: getattr(r, f) for f in fields}, "kind_label": r.get_kind_display()}


def redemption_out(o: Redemption, user) -> dict:
    fields = ("id", "number", "account_id", "reward_id", "reward_name", "shop_id", "points", "status")
    return {
        **{f: getattr(o, f) for f in fields},
        **{
            f: getattr(o, f)
            for f in ("fulfil_note", "fulfilled_at", "cancelled_at", "cancel_reason", "created_at")
        },
        "account_name": o.account.name,
        "reward_kind": o.reward.kind,
        "shop_name": o.shop.name,
        "area_code": o.area_id,
        "status_label": o.get_status_display(),
        # Staff check the code the resident shows; they never read it from the system.
        "pickup_code": o.pickup_code if o.account_id in own_account_ids(user) else None,
        "refund_entry_id": o.refund_entry_id,
    }


def _shop(request, shop_id: int) -> Shop:
    return get_object_or_404(Shop.objects.visible_to(request.user).select_related("area"), pk=shop_id)


def _reward(request, reward_id: int) -> Reward:
    return get_object_or_404(
        Reward.objects.filter(shop__in=Shop.objects.visible_to(request.user)).select_related("shop"),
        pk=reward_id,
    )


def _redemption(request, redemption_id: int) -> Redemption:
    return get_object_or_404(
        Redemption.objects.visible_to(request.user).select_related("account", "reward", "shop"),
        pk=redemption_id,
    )


@router.get("/shops", response=list[ShopOut], summary="积分超市列表（居民：本村、本镇；工作人员：辖区）")
def shop_list(request, active: bool | None = None):
    qs = Shop.objects.visible_to(request.user).select_related("area")
    if active is not None:
        qs = qs.filter(active=active)
    return [shop_out(s, request.user) for s in qs[:500]]


@router.post("/shops", response={201: ShopOut}, summary="开办积分超市（村、镇工作人员）")
def shop_create(request, payload: ShopIn):
    data = payload.dict()
    created = shop.shop_save(actor=request.user, area=data.pop("area_code"), data=data)
    return HttpStatus(201, shop_out(created, request.user))


@router.put("/shops/{shop_id}", response=ShopOut, summary="修改积分超市")
def shop_update(request, shop_id: int, payload: ShopIn):
    current = _shop(request, shop_id)
    data = payload.dict()
    area = data.pop("area_code") or current.area_id
    return shop_out(shop.shop_save(actor=request.user, area=area, data=data, shop=current), request.user)


@router.get("/shops/{shop_id}/rewards", response=list[RewardOut], summary="超市的商品（居民只看到上架的）")
def reward_list(request, shop_id: int):
    current = _shop(request, shop_id)
    qs = current.rewards.all()
    if not has_role(request.user, rules.READ_ROLES, current.area_id):
        qs = qs.filter(active=True)
    return [reward_out(r) for r in qs]


@router.post("/shops/{shop_id}/rewards", response={201: RewardOut}, summary="添加商品")
def reward_create(request, shop_id: int, payload: RewardIn):
    reward = shop.reward_save(actor=request.user, shop=_shop(request, shop_id), data=payload.dict())
    return HttpStatus(201, reward_out(reward))


@router.put("/rewards/{reward_id}", response=RewardOut, summary="修改商品（库存变化记入审计）")
def reward_update(request, reward_id: int, payload: RewardIn):
    reward = _reward(request, reward_id)
    return reward_out(
        shop.reward_save(actor=request.user, shop=reward.shop, data=payload.dict(), reward=reward)
    )


@router.post("/rewards/{reward_id}/restock", response=RewardOut, summary="补货")
def reward_restock(request, reward_id: int, payload: RestockIn):
    reward = _reward(request, reward_id)
    return reward_out(shop.reward_restock(actor=request.user, reward=reward, quantity=payload.quantity))


@router.post(
    "/redemptions",
    response={200: RedemptionOut, 201: RedemptionOut},
    summary="兑换（Idempotency-Key：同一账户重发同一键只兑换一次，返回首次的兑换单）",
)
def redemption_create(request, payload: RedeemIn):
    key = request.headers.get("Idempotency-Key", "")
    account = get_object_or_404(PointAccount.objects.visible_to(request.user), pk=payload.account_id)
    reward = _reward(request, payload.reward_id)
    order, created = shop.redeem_once(actor=request.user, account=account, reward=reward, idempotency_key=key)
    return HttpStatus(201 if created else 200, redemption_out(order, request.user))


@router.get("/redemptions", response=RedemptionPage, summary="兑换单（居民：本人、本户；工作人员：辖区）")
def redemption_list(request, filters: Query[RedemptionFilters]):
    qs = Redemption.objects.visible_to(request.user).select_related("account", "reward", "shop")
    if filters.mine:
        qs = qs.filter(account_id__in=own_account_ids(request.user))
    if filters.status:
        qs = qs.filter(status=RedemptionStatus(filters.status))
    if filters.shop_id:
        qs = qs.filter(shop_id=filters.shop_id)
    qs = qs.order_by("-created_at", "-pk")
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [redemption_out(o, request.user) for o in items]}  # fmt: skip


@router.get("/redemptions/{redemption_id}", response=RedemptionOut, summary="兑换单详情")
def redemption_detail(request, redemption_id: int):
    return redemption_out(_redemption(request, redemption_id), request.user)


@router.post("/redemptions/{redemption_id}/fulfil", response=RedemptionOut, summary="领取核销（核对取货码）")
def redemption_fulfil(request, redemption_id: int, payload: FulfilIn):
    order = shop.redemption_fulfil(
        actor=request.user,
        redemption=_redemption(request, redemption_id),
        code=payload.code,
        note=payload.note,
    )
    return redemption_out(order, request.user)


@router.post(
    "/redemptions/{redemption_id}/cancel", response=RedemptionOut, summary="取消兑换单（退回积分、恢复库存）"
)
def redemption_cancel(request, redemption_id: int, payload: CancelIn):
    order = shop.redemption_cancel(
        actor=request.user, redemption=_redemption(request, redemption_id), reason=payload.reason
    )
    return redemption_out(order, request.user)
