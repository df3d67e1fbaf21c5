"""Reads of the 积分超市: what an account can redeem this month, shop by shop."""

from django.db.models import Count, Prefetch
from django.utils import timezone

from ..choices import RedemptionStatus
from ..models import PointAccount
from . import services
from .models import Redemption, Reward


def shops_with_offers(user, account: PointAccount) -> list:
    """The open shops of the account's village and town, each with `offers` (its active rewards)
    and, on each reward, `used` (this month's redemptions by the account) and `blocked` (why it
    cannot be redeemed now, or ""). Three queries whatever the number of shops and rewards."""
    start, end = services.month_bounds(timezone.now())
    month = Redemption.objects.filter(account=account, created_at__gte=start, created_at__lt=end).exclude(
        status=RedemptionStatus.CANCELLED
    )
    times = dict(month.values_list("reward_id").annotate(n=Count("id")).values_list("reward_id", "n"))
    shops = services.shops_for_account(user, account).prefetch_related(
        Prefetch("rewards", queryset=Reward.objects.filter(active=True), to_attr="offers")
    )
    shops = list(shops)
    for s in shops:
        for r in s.offers:
            r.used = times.get(r.pk, 0)
            r.blocked = (
                "已兑完" if r.stock == 0
                else "积分不足" if account.balance < r.points
                else "本月已达上限" if r.monthly_limit and r.used >= r.monthly_limit
                else ""
            )  # fmt: skip
    return shops
