"""The demo's 积分超市: a shop in every active village and one in the town, opened and stocked by
their staff through points.shop, and the year's redemptions — picked up, cancelled or waiting."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gongzhi.areas.models import Area
from gongzhi.kernel.errors import DomainError
from gongzhi.points.choices import RewardKind
from gongzhi.points.shop import services as shops

from . import point_texts as texts
from .point_plan import Holder, Staff, Step


@dataclass
class Counter:
    """Shops of the demo: by area code, with their rewards and who serves at the counter."""

    shops: dict = field(default_factory=dict)  # area code -> Shop
    rewards: dict = field(default_factory=dict)  # shop pk -> [Reward]
    clerks: dict = field(default_factory=dict)  # shop pk -> user

    def reachable(self, account) -> list:
        """Shops where an account may redeem: its village's and its town's."""
        code = account.area_id
        return [s for key in (code[:12], code[:9]) if (s := self.shops.get(key)) is not None]


def open_shops(villages, staff: Staff, rng: random.Random) -> Counter:
    """A 积分超市 per village (by its village staff) and per town with a shop (by its town staff)."""
    counter = Counter()
    areas = {a.code: a for a in Area.objects.filter(pk__in=[*villages, *texts.TOWN_SHOPS])}
    places = [(v, staff.village.get(v, []), texts.VILLAGE_REWARDS) for v in villages]
    places += [(t, staff.town.get(t, []), texts.TOWN_REWARDS) for t in texts.TOWN_SHOPS]
    for code, clerks, offers in places:
        area = areas.get(code)
        if area is None or not clerks:
            continue
        clerk = clerks[0]
        town = len(code) == 9
        shop = shops.shop_save(actor=clerk, area=area, data={
            "name": f"{area.name}积分{'兑换中心' if town else '超市'}",
            "address": f"{area.name}{'综治中心一楼' if town else '党群服务中心一楼'}",
            "hours": "每周二、周五 9:00—17:00" if not town else "工作日 8:30—17:30",
            "monthly_points_limit": 200 if rng.random() < 0.3 else None,
        })  # fmt: skip
        counter.shops[code] = shop
        counter.clerks[shop.pk] = clerk
        counter.rewards[shop.pk] = [
            shops.reward_save(
                actor=clerk,
                shop=shop,
                data={
                    "kind": kind,
                    "name": name,
                    "points": points,
                    "stock": stock,
                    "monthly_limit": limit,
                    "order": n,
                    "description": "" if kind != RewardKind.POLICY else "由村里报送信用社，记入农户授信档案",
                },
            )  # fmt: skip
            for n, (kind, name, points, stock, limit) in enumerate(offers, start=1)
        ]
    return counter


def redeem(step: Step, counter: Counter, rng: random.Random, now: datetime, *, before=None) -> list[Step]:
    """Spend some of the balance on something the holder can afford; returns the order's pickup or
    cancellation as later steps (none while it is still waiting). `before` runs just before the
    order is placed (the bulk ledger writes what it holds)."""
    holder = step.holder
    balance = holder.account.balance
    offers = [
        (shop, reward)
        for shop in counter.reachable(holder.account)
        for reward in counter.rewards.get(shop.pk, [])
        if reward.points <= balance and (reward.stock is None or reward.stock > 0)
    ]
    if not offers:
        return []
    shop, reward = rng.choices(offers, weights=[1 / r.points**0.5 for _, r in offers])[0]
    clerk = counter.clerks[shop.pk]
    actor = holder.user if holder.user is not None and rng.random() < 0.6 else clerk
    if before is not None:
        before()
    try:
        order = shops.redeem(actor=actor, account=holder.account, reward=reward, at=step.at)
    except DomainError:  # the month's limit reached, sold out meanwhile: they leave without
        return []
    if reward.stock is not None:
        reward.stock -= 1
    later = settle(step, order, clerk, rng, now)
    return [later] if later is not None else []


def settle(step: Step, order, clerk, rng: random.Random, now: datetime) -> Step | None:
    """Picked up a few days later (mostly), cancelled (sometimes), or still waiting if recent."""
    wait = rng.uniform(0.2, 6)
    at = step.at + timedelta(days=wait)
    if at > now - timedelta(hours=2) or (step.at > now - timedelta(days=4) and rng.random() < 0.6):
        return None  # still waiting: the resident has the pickup code
    kind = "cancel" if rng.random() < 0.12 else "fulfil"
    return Step(at, step.n, kind, step.holder, actor=clerk, order=order)


def finish(step: Step, rng: random.Random) -> None:
    """The pickup at the counter (the resident shows the code) or the cancellation with a refund."""
    order = step.order
    if step.kind == "fulfil":
        note = "已记入授信档案" if order.reward.kind == RewardKind.POLICY else ""
        shops.redemption_fulfil(
            actor=step.actor, redemption=order, code=order.pickup_code, note=note, at=step.at
        )
    else:
        shops.redemption_cancel(actor=step.actor, redemption=order, reason=rng.choice(texts.CANCEL_REASONS),
                                at=step.at)  # fmt: skip


def holder_order(holder: Holder, counter: Counter, *, at: datetime, key: str, kinds=(RewardKind.GOODS,)):
    """An order the holder places themselves now (on the phone page), left waiting for pickup."""
    for shop in counter.reachable(holder.account):
        for reward in sorted(counter.rewards.get(shop.pk, []), key=lambda r: r.points):
            if reward.kind in kinds and reward.points <= holder.account.balance - 5:
                return shops.redeem(actor=holder.user, account=holder.account, reward=reward, at=at,
                                    idempotency_key=key)  # fmt: skip
    return None
