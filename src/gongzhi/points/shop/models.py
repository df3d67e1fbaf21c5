"""积分超市: shops run by a village or town, their rewards with stock, and redemption orders."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongzhi.kernel.jurisdiction import resident_village
from gongzhi.kernel.scoping import AreaScopedQuerySet

from ..choices import RedemptionStatus, RewardKind
from ..rules import READ_ROLES
from ..scoping import ScopedQuerySet


def _area_fk(label: str):
    return models.ForeignKey(
        "areas.Area", verbose_name=label, on_delete=models.PROTECT, db_column="area_code", related_name="+"
    )


class ShopQuerySet(AreaScopedQuerySet):
    """Staff see the shops under their points areas; a resident sees the shops of their village and
    town (where they may redeem)."""

    read_roles = READ_ROLES

    def public(self, user):
        village = resident_village(user)
        return Q(area_id__in=[village[:9], village]) if village else None


class Shop(models.Model):
    """A 积分超市 of a village or town; accounts living under its area may redeem there."""

    area = _area_fk("所属村(社区)/镇")
    name = models.CharField("名称", max_length=64)
    address = models.CharField("地址", max_length=200, blank=True)
    hours = models.CharField("开放时间", max_length=100, blank=True)
    monthly_points_limit = models.PositiveIntegerField(
        "每户每月兑换上限(分)", null=True, blank=True, help_text="留空表示不限"
    )
    active = models.BooleanField("营业", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopQuerySet.as_manager()

    class Meta:
        verbose_name = "积分超市"
        verbose_name_plural = "积分超市"
        ordering = ["area_id", "name"]

    def __str__(self) -> str:
        return self.name


class Reward(models.Model):
    """商品/服务: what a shop offers for points. Stock is None for unlimited offers (services,
    policy incentives); otherwise it never goes below zero (a database constraint as well)."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="rewards")
    kind = models.CharField("类别", max_length=16, choices=RewardKind.choices)
    name = models.CharField("名称", max_length=64)
    description = models.CharField("说明", max_length=300, blank=True)
    points = models.PositiveIntegerField("所需积分")
    stock = models.IntegerField("库存", null=True, blank=True, help_text="留空表示不限量")
    monthly_limit = models.PositiveSmallIntegerField("每个账户每月限兑(次)", null=True, blank=True)
    active = models.BooleanField("上架", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "兑换商品"
        verbose_name_plural = "兑换商品"
        ordering = ["shop_id", "order", "points"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stock__isnull=True) | Q(stock__gte=0), name="reward_stock_not_negative"
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="reward_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.points} 分）"


class Redemption(models.Model):
    """兑换单: pending → fulfilled at pickup (the resident shows the code) or cancelled with a refund."""

    number = models.CharField("单号", max_length=24, unique=True)
    account = models.ForeignKey("points.PointAccount", on_delete=models.PROTECT, related_name="redemptions")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="redemptions")
    area = _area_fk("超市所在区域")
    reward_name = models.CharField("商品", max_length=64)
    points = models.PositiveIntegerField("积分")
    status = models.CharField(
        "状态", max_length=16, choices=RedemptionStatus.choices, default=RedemptionStatus.PENDING
    )
    pickup_code = models.CharField("取货码", max_length=8)
    idempotency_key = models.CharField(max_length=96, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entry = models.OneToOneField(
        "points.PointEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refund_entry = models.OneToOneField(
        "points.PointEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fulfil_note = models.CharField("办理记录", max_length=300, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Staff of the shop's area, and the holder of the account.
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "兑换单"
        verbose_name_plural = "兑换单"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="redemption_idem",
            )
        ]
        indexes = [models.Index(fields=["area", "status"], name="redemption_queue")]

    def __str__(self) -> str:
        return f"{self.number} {self.reward_name}"
