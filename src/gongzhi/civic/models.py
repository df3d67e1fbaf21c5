"""Civic honours beyond points: 法治家庭 and the 红黑榜 (they never move a balance). The tables were
created by the points app and keep their names; the offence records behind the veto are people's."""

from django.conf import settings
from django.db import models

from gongzhi.points.honours.models import HonourQuerySet, _area_fk

from .choices import BoardList, LawAspect, LawFamilyStatus, NominationStatus, ReviewStage


class LawDeductionItem(models.Model):
    """法治家庭 扣分项 (宣城: 夫妻经常吵闹 −6, 邻里见难不帮 −2 …), per aspect, set by the county."""

    area = _area_fk("县(区)")
    aspect = models.CharField("方面", max_length=16, choices=LawAspect.choices)
    name = models.CharField("扣分项", max_length=100)
    points = models.PositiveSmallIntegerField("扣分")
    active = models.BooleanField(default=True)

    class Meta:
        db_table = "points_lawdeductionitem"  # moved from the points app; the table kept its name
        verbose_name = "法治家庭扣分项"
        verbose_name_plural = "法治家庭扣分项"
        ordering = ["aspect", "pk"]

    def __str__(self) -> str:
        return f"{self.get_aspect_display()}：{self.name} −{self.points}"


class LawFamilyRating(models.Model):
    """One 法治家庭 rating of a household: deductions per aspect, the veto, the verdict; valid two
    years, then reviewed again; revocable."""

    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="law_ratings")
    area = _area_fk("所属区域")
    rated_on = models.DateField("评定日期")
    deductions = models.JSONField("扣分明细", default=list)
    score = models.IntegerField("得分")
    status = models.CharField("结论", max_length=16, choices=LawFamilyStatus.choices)
    veto_reason = models.CharField("否决原因", max_length=300, blank=True)
    valid_until = models.DateField("复核日期", null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=300, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HonourQuerySet.as_manager()

    class Meta:
        db_table = "points_lawfamilyrating"  # moved from the points app; the table kept its name
        verbose_name = "法治家庭评定"
        verbose_name_plural = "法治家庭评定"
        ordering = ["-rated_on"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.rated_on} {self.get_status_display()}"


class MoralReview(models.Model):
    """A quarter's 红黑榜 道德评议 in one village: nominations, review, a publication window."""

    area = _area_fk("村(社区)")
    quarter = models.CharField("季度", max_length=8)
    stage = models.CharField(
        "阶段", max_length=16, choices=ReviewStage.choices, default=ReviewStage.NOMINATING
    )
    publish_from = models.DateField("公示开始", null=True, blank=True)
    publish_until = models.DateField("公示结束", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HonourQuerySet.as_manager()

    class Meta:
        db_table = "points_moralreview"  # moved from the points app; the table kept its name
        verbose_name = "红黑榜评议"
        verbose_name_plural = "红黑榜评议"
        ordering = ["-quarter"]
        constraints = [models.UniqueConstraint(fields=["area", "quarter"], name="moral_review_unique")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.quarter}"


class MoralNomination(models.Model):
    """A nomination for the red or black list, with evidence; a black entry may be cleared after
    remediation (整改销号), which is recorded, not erased."""

    review = models.ForeignKey(MoralReview, on_delete=models.PROTECT, related_name="nominations")
    board = models.CharField("榜单", max_length=8, choices=BoardList.choices)
    account = models.ForeignKey("points.PointAccount", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("事由", max_length=300)
    evidence = models.TextField("佐证", max_length=2000, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=NominationStatus.choices, default=NominationStatus.PENDING
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.CharField("评议意见", max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clear_reason = models.CharField("整改情况", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "points_moralnomination"  # moved from the points app; the table kept its name
        verbose_name = "红黑榜提名"
        verbose_name_plural = "红黑榜提名"
        ordering = ["board", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_board_display()} {self.account.name}"
