"""Honours: 积分之星 and the 积分分享大会 where they are read out."""

from django.conf import settings
from django.db import models

from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.jurisdiction import resident_village
from gongzhi.kernel.scoping import AreaScopedQuerySet

from ..choices import Star
from ..rules import READ_ROLES


def _area_fk(label: str):
    return models.ForeignKey(
        "areas.Area", verbose_name=label, on_delete=models.PROTECT, db_column="area_code", related_name="+"
    )


class HonourQuerySet(AreaScopedQuerySet):
    """Staff see honours under their points areas; residents see the public ones of their village."""

    read_roles = READ_ROLES

    def public(self, user):
        village = resident_village(user)
        return prefix_q("area_id", village) if village else None


class SharingMeeting(models.Model):
    """积分分享大会: where rankings are read out and prizes handed over."""

    area = _area_fk("村(社区)")
    title = models.CharField("名称", max_length=100)
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100)
    notes = models.TextField("会议情况", max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HonourQuerySet.as_manager()

    class Meta:
        verbose_name = "积分分享大会"
        verbose_name_plural = "积分分享大会"
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class StarAward(models.Model):
    """积分之星: the top of one star category's board in a village for a period."""

    area = _area_fk("村(社区)")
    period = models.CharField("评选周期", max_length=8)
    star = models.CharField("类别", max_length=16, choices=Star.choices)
    account = models.ForeignKey("points.PointAccount", on_delete=models.PROTECT, related_name="stars")
    score = models.IntegerField("周期得分")
    meeting = models.ForeignKey(
        SharingMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="stars"
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HonourQuerySet.as_manager()

    class Meta:
        verbose_name = "积分之星"
        verbose_name_plural = "积分之星"
        ordering = ["-period", "star", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["area", "period", "star", "account"], name="star_award_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.get_star_display()}之星 {self.account.name}"


class MeetingAwardee(models.Model):
    """One line of a 分享大会's roll of honour: who, which honour, which prize."""

    meeting = models.ForeignKey(SharingMeeting, on_delete=models.CASCADE, related_name="awardees")
    account = models.ForeignKey("points.PointAccount", on_delete=models.PROTECT, related_name="+")
    honour = models.CharField("荣誉", max_length=64)
    prize = models.CharField("奖品", max_length=64, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting_id", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.account.name} {self.honour}"
