"""积分超市 services: shops and their rewards, redemption orders with stock that never goes negative,
pickup with the code the resident shows, and cancellation with a refund."""

import hmac
import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from gongzhi.areas.models import Area, Level
from gongzhi.audit.models import Result
from gongzhi.audit.services import audit_record
from gongzhi.kernel.codes import scope_q
from gongzhi.kernel.errors import Conflict, DomainError, Forbidden, Invalid
from gongzhi.kernel.idempotency import clean_key
from gongzhi.kernel.jurisdiction import area_codes_for, has_role, require_role
from gongzhi.notices.services import notify

from .. import ledger, rules
from ..choices import EntryKind, RedemptionStatus, RewardKind, Source
from ..models import PointAccount, own_account_ids
from .models import Redemption, Reward, Shop

SHOP_TEXT = {"name": ("名称", 2, 64), "address": ("地址", 0, 200), "hours": ("开放时间", 0, 100)}
REWARD_TEXT = {"name": ("名称", 1, 64), "description": ("说明", 0, 300)}
MAX_POINTS = 100_000
MAX_STOCK = 1_000_000
ORDERS_LINK = "/points/shop/orders/"


# -- small parsers -----------------------------------------------------------------------------


def _text(data: dict, field: str, label: str, minimum: int, maximum: int, problems: list) -> str:
    text = str(data.get(field) or "").strip()
    if "\x00" in text:
        problems.append((field, f"{label}含有不可见的空字符（\\0），请重新输入。"))
    elif len(text) < minimum:
        problems.append(
            (field, f"请填写{label}。" if minimum <= 1 else f"请填写{label}（至少 {minimum} 个字）。")
        )
    elif len(text) > maximum:
        problems.append((field, f"{label}过长（最多 {maximum} 个字）。"))
    return text


def _number(data: dict, field: str, label: str, problems: list, *, minimum: int, maximum: int,
            optional: bool = True, default=None):  # fmt: skip
    """An integer in [minimum, maximum]; blank means None when optional."""
    value = data.get(field, default)
    if value is None or (isinstance(value, str) and not value.strip()):
        if not optional:
            problems.append((field, f"请填写{label}。"))
        return None
    if isinstance(value, bool):
        problems.append((field, f"{label}须为整数。"))
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        problems.append((field, f"{label}须为整数。"))
        return None
    if not minimum <= number <= maximum:
        problems.append((field, f"{label}须在 {minimum} 到 {maximum} 之间。"))
        return None
    return number


def _flag(data: dict, field: str, default: bool = True) -> bool:
    value = data.get(field, default)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def _reason(value, field: str, label: str, minimum: int = 2, maximum: int = 200) -> str:
    problems: list = []
    text = _text({field: value}, field, label, minimum, maximum, problems)
    if problems:
        raise DomainError(problems[0][1], field=field)
    return text


def month_bounds(at: datetime) -> tuple[datetime, datetime]:
    """The Beijing calendar month holding `at`, as [start, end)."""
    start = timezone.localtime(at).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


def holders(account: PointAccount) -> list:
    from ..services import holders_of

    return holders_of(account)


# -- shops and rewards -------------------------------------------------------------------------


@transaction.atomic
def shop_save(*, actor, area, data: dict, shop: Shop | None = None) -> Shop:
    """Open or change the 积分超市 of a village or town (its shop staff only)."""
    problems: list[tuple[str, str]] = []
    code = area.code if isinstance(area, Area) else str(area or "").strip()
    area = Area.objects.filter(pk=code).first() if code.isdigit() else None
    if area is None:
        raise Invalid(
            [
                (
                    "area_code",
                    "请选择超市所属的村(社区)或镇(街道)。" if not code else f"区划代码 {code} 不存在。",
                )
            ]
        )
    if shop is not None and area.code != shop.area_id:
        raise Invalid([("area_code", "超市所属区域不能修改。")])
    if area.level not in (Level.VILLAGE, Level.TOWN):
        raise Invalid(
            [("area_code", f"{area.name}是{area.get_level_display()}，积分超市由村(社区)或镇(街道)开办。")]
        )
    require_role(actor, rules.SHOP_ROLES, area.code, "开办或修改积分超市")
    values = {f: _text(data, f, label, lo, hi, problems) for f, (label, lo, hi) in SHOP_TEXT.items()}
    values["monthly_points_limit"] = _number(
        data, "monthly_points_limit", "每户每月兑换上限", problems, minimum=1, maximum=MAX_POINTS * 10
    )
    values["active"] = _flag(data, "active")
    if (
        values["name"]
        and Shop.objects.filter(area=area, name=values["name"]).exclude(pk=shop.pk if shop else None).exists()
    ):
        problems.append(("name", f"{area.name}已有名为「{values['name']}」的积分超市。"))
    if problems:
        raise Invalid(problems)
    if shop is None:
        shop = Shop.objects.create(area=area, **values)
        changes = dict(values)
    else:
        changes = {f: v for f, v in values.items() if getattr(shop, f) != v}
        Shop.objects.filter(pk=shop.pk).update(**values)
        for field, value in values.items():
            setattr(shop, field, value)
    audit_record(actor=actor, action="points.shop_save", object_type="point_shop", object_id=shop.pk,
                 area_code=area.code, details={"changes": changes})  # fmt: skip
    return shop


@transaction.atomic
def reward_save(*, actor, shop: Shop, data: dict, reward: Reward | None = None) -> Reward:
    """Add or change a reward; a change of stock is audited with its before and after. `stock_seen`
    (optional) is the stock the editor saw: a redemption in between makes the save a conflict."""
    require_role(actor, rules.SHOP_ROLES, shop.area_id, "管理积分超市的商品")
    if reward is not None and reward.shop_id != shop.pk:
        raise DomainError("该商品不属于这个积分超市。", field="shop")
    problems: list[tuple[str, str]] = []
    kind = str(data.get("kind") or "").strip()
    if kind not in RewardKind.values:
        problems.append(("kind", "请选择类别：" + "、".join(RewardKind.labels) + "。"))
    values = {f: _text(data, f, label, lo, hi, problems) for f, (label, lo, hi) in REWARD_TEXT.items()}
    values["kind"] = kind
    values["points"] = _number(
        data, "points", "所需积分", problems, minimum=1, maximum=MAX_POINTS, optional=False
    )
    locked = Reward.objects.select_for_update().get(pk=reward.pk) if reward is not None else None
    before = locked.stock if locked is not None else None
    if locked is not None and "stock" not in data:
        stock = before
    else:
        stock = _number(data, "stock", "库存", problems, minimum=0, maximum=MAX_STOCK)
    if kind == RewardKind.GOODS and stock is None and not any(f == "stock" for f, _ in problems):
        problems.append(("stock", "物质奖励须填写库存数量。"))
    values["stock"] = stock
    values["monthly_limit"] = _number(
        data, "monthly_limit", "每月限兑次数", problems, minimum=1, maximum=1000
    )
    values["order"] = _number(data, "order", "排序", problems, minimum=0, maximum=32767) or 0
    values["active"] = _flag(data, "active")
    if problems:
        raise Invalid(problems)
    seen = data.get("stock_seen")
    if locked is not None and stock != before and seen not in (None, "") and str(seen) != str(before):
        raise Conflict(f"「{locked.name}」的库存已变为 {before}（期间有兑换或补货），请刷新后再修改。")
    if locked is None:
        reward = Reward.objects.create(shop=shop, **values)
        changes = dict(values)
    else:
        changes = {f: v for f, v in values.items() if getattr(locked, f) != v}
        Reward.objects.filter(pk=reward.pk).update(**values)
        for field, value in values.items():
            setattr(reward, field, value)
    details = {"changes": {k: v for k, v in changes.items() if k != "stock"}}
    if "stock" in changes:
        details.update(stock_before=before, stock_after=stock)
    audit_record(actor=actor, action="points.reward_save", object_type="point_reward", object_id=reward.pk,
                 area_code=shop.area_id, details=details)  # fmt: skip
    return reward


@transaction.atomic
def reward_restock(*, actor, reward: Reward, quantity) -> Reward:
    """补货: add to the stock of a reward, under its row lock (redemptions may run meanwhile)."""
    require_role(actor, rules.SHOP_ROLES, reward.shop.area_id, "为积分超市补货")
    problems: list = []
    quantity = _number({"quantity": quantity}, "quantity", "补货数量", problems, minimum=1, maximum=MAX_STOCK,
                       optional=False)  # fmt: skip
    if problems:
        raise Invalid(problems)
    locked = Reward.objects.select_for_update().get(pk=reward.pk)
    if locked.stock is None:
        raise DomainError(f"「{locked.name}」不限量，无需补货。", field="quantity")
    if locked.stock + quantity > MAX_STOCK:
        raise DomainError(f"补货后库存不能超过 {MAX_STOCK}。", field="quantity")
    Reward.objects.filter(pk=locked.pk).update(stock=locked.stock + quantity)
    audit_record(actor=actor, action="points.reward_restock", object_type="point_reward", object_id=locked.pk,
                 area_code=reward.shop.area_id,
                 details={"quantity": quantity, "stock_before": locked.stock, "stock_after": locked.stock + quantity})  # fmt: skip
    reward.stock = locked.stock + quantity
    return reward


# -- redemption --------------------------------------------------------------------------------


def _number_for(account: PointAccount, seq: int, at: datetime) -> str:
    """A readable order number, unique because (account, ledger sequence) is."""
    number = f"DH{timezone.localtime(at):%y%m%d}-{account.pk}-{seq}"
    return number if len(number) <= 24 else f"DH-{account.pk}-{seq}"


def _check_limits(account: PointAccount, reward: Reward, shop: Shop, at: datetime) -> None:
    """The reward's times per account per month and the shop's points per account per month."""
    start, end = month_bounds(at)
    month = Redemption.objects.filter(
        account_id=account.pk, created_at__gte=start, created_at__lt=end
    ).exclude(status=RedemptionStatus.CANCELLED)
    if reward.monthly_limit:
        times = month.filter(reward_id=reward.pk).count()
        if times >= reward.monthly_limit:
            raise DomainError(
                f"「{reward.name}」每个账户每月限兑 {reward.monthly_limit} 次，本月已兑换 {times} 次。",
                field="reward_id", code="monthly_limit",
            )  # fmt: skip
    if shop.monthly_points_limit:
        used = month.filter(shop_id=shop.pk).aggregate(s=Sum("points"))["s"] or 0
        if used + reward.points > shop.monthly_points_limit:
            raise DomainError(
                f"{shop.name}每个账户每月最多兑换 {shop.monthly_points_limit} 分，本月已兑换 {used} 分，"
                f"「{reward.name}」需要 {reward.points} 分。",
                field="reward_id", code="monthly_limit",
            )  # fmt: skip


@transaction.atomic
def redeem_once(*, actor, account: PointAccount, reward: Reward, idempotency_key: str = "",
                at: datetime | None = None) -> tuple[Redemption, bool]:  # fmt: skip
    """Redeem a reward for points in one transaction: stock, limits, ledger entry and order. Also
    tells whether the order was made now (False: a repeat of the key, answered with its order).

    The account row is locked first (then the reward row), so limits, balance and a re-sent key
    are decided by one writer at a time: the key is looked up under the lock, and the unique
    constraint on (account, key) backs it up."""
    key = clean_key(idempotency_key, limit=ledger.KEY_LIMIT)
    shop = reward.shop
    is_holder = account.pk in own_account_ids(actor)
    is_staff = has_role(actor, rules.SHOP_ROLES, shop.area_id)
    if not (is_holder or is_staff):
        raise Forbidden("只能为本人、本户账户兑换，或由超市工作人员在柜台代为兑换。")
    try:
        with transaction.atomic():
            return _redeem(actor, account, reward, key, at, is_holder)
    except IntegrityError:
        # Two requests with the same key raced past the lock (e.g. a second account row); the
        # unique constraint kept one order: hand back that one.
        existing = (
            Redemption.objects.filter(account_id=account.pk, idempotency_key=key).first() if key else None
        )
        if existing is None:
            raise
        return existing, False


def redeem(**kwargs) -> Redemption:
    """redeem_once, without telling created from replayed."""
    return redeem_once(**kwargs)[0]


def _redeem(
    actor, account: PointAccount, reward: Reward, key: str, at, is_holder: bool
) -> tuple[Redemption, bool]:
    locked = PointAccount.objects.select_for_update().get(pk=account.pk)
    if key:
        existing = Redemption.objects.filter(account_id=account.pk, idempotency_key=key).first()
        if existing is not None:
            return existing, False
    reward = Reward.objects.select_related("shop").get(pk=reward.pk)
    shop = reward.shop
    if not locked.area_id.startswith(shop.area_id):
        raise DomainError(f"{locked.name}不在{shop.name}的服务范围内。", field="account_id")
    if not shop.active:
        raise DomainError(f"{shop.name}暂停营业。", field="reward_id")
    if not reward.active:
        raise DomainError(f"「{reward.name}」已下架。", field="reward_id")
    at = at or timezone.now()
    _check_limits(locked, reward, shop, at)
    # The conditional UPDATE is the guard: it takes the reward row and never goes below zero.
    if reward.stock is not None and not Reward.objects.filter(pk=reward.pk, stock__gte=1).update(
        stock=F("stock") - 1
    ):
        raise Conflict(f"「{reward.name}」库存不足，已兑完。", code="out_of_stock")
    number = _number_for(locked, locked.entry_count + 1, at)
    entry = ledger.post(
        account=locked, delta=-reward.points, kind=EntryKind.REDEMPTION, source=Source.REDEMPTION, actor=actor,
        reason=f"{shop.name}兑换「{reward.name}」", source_id=number, at=at,
    )  # fmt: skip
    redemption = Redemption.objects.create(
        number=number, account=locked, reward=reward, shop=shop, area_id=shop.area_id, reward_name=reward.name,
        points=reward.points, pickup_code=f"{secrets.randbelow(10**6):06d}", idempotency_key=key,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None, entry=entry,
    )  # fmt: skip
    Redemption.objects.filter(pk=redemption.pk).update(created_at=at)
    redemption.created_at = at
    account.balance, account.entry_count = locked.balance, locked.entry_count
    audit_record(actor=actor, action="points.redeem", object_type="point_redemption", object_id=redemption.pk,
                 area_code=shop.area_id,
                 details={"number": number, "account": locked.pk, "reward": reward.pk, "points": reward.points})  # fmt: skip
    if not is_holder:
        # Redeemed at the counter: the holder learns the pickup code (staff never see it).
        recipients = holders(locked)
        code = redemption.pickup_code
        text = f"已为您兑换「{reward.name}」（{reward.points} 分），取货码 {code}，请到{shop.name}领取。"
        transaction.on_commit(lambda: notify(recipients=recipients, kind="points_redeemed", text=text,
                                             link=ORDERS_LINK))  # fmt: skip
    return redemption, True


def redemption_fulfil(*, actor, redemption: Redemption, code: str, note: str = "",
                      at: datetime | None = None) -> Redemption:  # fmt: skip
    """领取: shop staff check the code the resident shows and hand over; pending → fulfilled."""
    require_role(actor, rules.SHOP_ROLES, redemption.area_id, "办理积分兑换领取")
    if redemption.account_id in own_account_ids(actor):
        raise Forbidden("不能办理本人账户的兑换单，请由其他工作人员办理。")
    if redemption.status != RedemptionStatus.PENDING:
        raise Conflict(f"兑换单 {redemption.number} {redemption.get_status_display()}，不能再办理领取。")
    code = str(code or "").strip()
    if not hmac.compare_digest(code.encode(), redemption.pickup_code.encode()):
        # Recorded outside the refused change, so repeated guessing shows in the audit trail.
        audit_record(actor=actor, action="points.redemption_fulfil", object_type="point_redemption",
                     object_id=redemption.pk, area_code=redemption.area_id, result=Result.FAILURE,
                     details={"reason": "wrong_code"})  # fmt: skip
        raise DomainError("取货码不正确，请核对居民出示的 6 位取货码。", field="code", code="wrong_code")
    return _fulfil(actor, redemption, note, at)


@transaction.atomic
def _fulfil(actor, redemption: Redemption, note: str, at) -> Redemption:
    kind = Reward.objects.filter(pk=redemption.reward_id).values_list("kind", flat=True).first()
    if kind == RewardKind.POLICY:
        note = _reason(note, "note", "办理记录（如：已记入授信档案）")
    else:
        note = _reason(note, "note", "备注", minimum=0, maximum=300)
    at = at or timezone.now()
    if not Redemption.objects.filter(pk=redemption.pk, status=RedemptionStatus.PENDING).update(
        status=RedemptionStatus.FULFILLED, fulfilled_at=at, fulfilled_by=actor, fulfil_note=note
    ):
        current = Redemption.objects.get(pk=redemption.pk)
        raise Conflict(f"兑换单 {current.number} {current.get_status_display()}，不能再办理领取。")
    redemption.refresh_from_db()
    audit_record(actor=actor, action="points.redemption_fulfil", object_type="point_redemption",
                 object_id=redemption.pk, area_code=redemption.area_id, details={"number": redemption.number})  # fmt: skip
    return redemption


@transaction.atomic
def redemption_cancel(
    *, actor, redemption: Redemption, reason: str, at: datetime | None = None
) -> Redemption:
    """取消: the holder (own pending order) or shop staff; points refunded and stock restored."""
    is_holder = redemption.account_id in own_account_ids(actor)
    if not (is_holder or has_role(actor, rules.SHOP_ROLES, redemption.area_id)):
        raise Forbidden("只有兑换人本人或超市工作人员可以取消兑换单。")
    reason = _reason(reason, "reason", "取消原因")
    at = at or timezone.now()  # the demo backdates its year; otherwise now
    # Account row first, then the reward row: the same order as redeem(), so the two never deadlock.
    PointAccount.objects.select_for_update().get(pk=redemption.account_id)
    if not Redemption.objects.filter(pk=redemption.pk, status=RedemptionStatus.PENDING).update(
        status=RedemptionStatus.CANCELLED, cancelled_at=at, cancelled_by=actor, cancel_reason=reason
    ):
        current = Redemption.objects.get(pk=redemption.pk)
        raise Conflict(f"兑换单 {current.number} {current.get_status_display()}，不能取消。")
    entry = redemption.entry
    text = f"取消兑换 {redemption.number}：{reason}"
    refund = ledger.reverse(entry=entry, actor=actor, reason=text, source=Source.REDEMPTION,
                            source_id=redemption.number, at=at)  # fmt: skip
    Redemption.objects.filter(pk=redemption.pk).update(refund_entry=refund)
    Reward.objects.filter(pk=redemption.reward_id, stock__isnull=False).update(stock=F("stock") + 1)
    redemption.refresh_from_db()
    audit_record(actor=actor, action="points.redemption_cancel", object_type="point_redemption",
                 object_id=redemption.pk, area_code=redemption.area_id,
                 details={"number": redemption.number, "refund": refund.pk, "reason": reason})  # fmt: skip
    recipients = [u for u in holders(redemption.account) if u.pk != getattr(actor, "pk", None)]
    if recipients:
        message = f"您的兑换单 {redemption.number}「{redemption.reward_name}」已取消，{redemption.points} 分已退回：{reason}"
        transaction.on_commit(lambda: notify(recipients=recipients, kind="points_refund", text=message,
                                             link=ORDERS_LINK))  # fmt: skip
    return redemption


# -- reads -------------------------------------------------------------------------------------


def shops_for_account(user, account: PointAccount):
    """Open shops where this account may redeem: those of its village and its town."""
    code = account.area_id
    qs = Shop.objects.visible_to(user).filter(active=True, area_id__in=[code[:9], code[:12]])
    return qs.select_related("area").order_by("-area_id", "name")  # the village's own shop first


def staff_shop_codes(user) -> list[str]:

    return area_codes_for(user, roles=rules.SHOP_ROLES)


def pickup_lookup(*, actor, code: str):
    """Pending orders with this pickup code in the shops the actor runs (a code may, rarely, repeat).
    A code that finds nothing is audited: guessing codes shows in the audit trail."""

    code = str(code or "").strip()
    codes = staff_shop_codes(actor)
    if not (code.isdigit() and len(code) == 6) or not codes:
        return []
    found = list(
        Redemption.objects.filter(
            scope_q("area_id", codes), status=RedemptionStatus.PENDING, pickup_code=code
        )
        .select_related("account", "reward", "shop")
        .order_by("-created_at")[:20]
    )
    if not found:
        audit_record(actor=actor, action="points.pickup_lookup", object_type="point_redemption",
                     result=Result.FAILURE, details={"reason": "no_match"})  # fmt: skip
    return found
