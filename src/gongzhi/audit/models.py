"""Audit events: written in the same transaction as the change, never updated or deleted."""

from django.conf import settings
from django.db import models

from gongzhi.kernel.jurisdiction import area_codes_for
from gongzhi.kernel.roles import Role
from gongzhi.kernel.scoping import AreaScopedQuerySet


class Result(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    DENIED = "denied", "拒绝"


class AuditEventQuerySet(AreaScopedQuerySet):
    """Only auditors read the trail: events in their areas, plus system events without an area.
    Not even a superuser: 三员分立 keeps the administrator out of the auditor's record."""

    read_roles = (Role.AUDITOR,)
    area_fields = ("area_code",)
    superuser_sees_all = False

    def public(self, user):
        return models.Q(area_code="") if area_codes_for(user, self.read_roles) else None


class AuditEvent(models.Model):
    """One event. `hash` = HMAC-SM3(key, prev_hash + canonical payload); see audit/chain.py."""

    seq = models.BigIntegerField("序号", unique=True)
    created_at = models.DateTimeField("时间", db_index=True)
    # No FK constraint: deleting a user must never touch (UPDATE) the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField("账号", max_length=150, blank=True)
    role = models.CharField("角色", max_length=32, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象", max_length=64, blank=True)
    area_code = models.CharField("区划代码", max_length=18, blank=True, db_index=True)
    ip = models.CharField("IP", max_length=45, blank=True)
    result = models.CharField("结果", max_length=16, choices=Result.choices, default=Result.SUCCESS)
    details = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.actor_username}"


class ChainHead(models.Model):
    """The single row holding the chain's tip; updating it first serialises writers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq}"
