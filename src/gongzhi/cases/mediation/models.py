"""人民调解 of dispute cases: the 3+X 工作室, one mediation per case, its sessions and 司法确认.

Imported by cases/models.py, so the tables belong to the cases app. Models refer to Case by name
("cases.Case") to keep the import one-way.
"""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongzhi.kernel.scoping import AreaScopedQuerySet

from ..rules import WORKROOM_READ_ROLES


class MediationStatus(models.TextChoices):
    OPEN = "open", "调解中"
    SUCCEEDED = "succeeded", "调解成功"
    FAILED = "failed", "调解不成功"


CONCLUDED = (MediationStatus.SUCCEEDED, MediationStatus.FAILED)
# "1." "2、" "（三）" "第4条" typed at the start of a term; the agreement numbers terms itself.
_NUMBERING = re.compile(
    r"^(?:第[0-9一二三四五六七八九十]+[条项][.、．:：]?|[0-9一二三四五六七八九十]+[.、．)）:：](?![0-9])"
    r"|[(（][0-9一二三四五六七八九十]+[)）])\s*"
)


class MediationResult(models.TextChoices):
    SUCCESS = "success", "调解成功"
    ESCALATE = "escalate", "调解不成功，上报上级"
    LITIGATE = "litigate", "调解不成功，引导诉讼"


class ConfirmationResult(models.TextChoices):
    PENDING = "", "待裁定"
    VALID = "valid", "确认有效"
    REJECTED = "rejected", "驳回申请"
    WITHDRAWN = "withdrawn", "撤回申请"


class WorkroomQuerySet(AreaScopedQuerySet):
    """Workrooms in areas where the user works on cases (centre staff, grid workers, mediators,
    department staff)."""

    read_roles = WORKROOM_READ_ROLES


class Workroom(models.Model):
    """A 3+X 工作室 of a village or town: 一法官、一律师、一支书 plus the X of mediators."""

    area = models.ForeignKey(
        "areas.Area", verbose_name="所属村(社区)/镇(街道)", on_delete=models.PROTECT, db_column="area_code",
        related_name="+",
    )  # fmt: skip
    name = models.CharField("工作室名称", max_length=64)
    address = models.CharField("工作地点", max_length=200, blank=True)
    judge_name = models.CharField("法官", max_length=64, blank=True)
    lawyer_name = models.CharField("律师", max_length=64, blank=True)
    secretary_name = models.CharField("支书", max_length=64, blank=True)
    other_members = models.CharField("其他成员（X）", max_length=300, blank=True)
    # Members who sign in: users with the mediator role or staff near the area (checked by the service).
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="调解员", blank=True, related_name="workrooms"
    )
    active = models.BooleanField("在用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkroomQuerySet.as_manager()

    class Meta:
        verbose_name = "3+X 工作室"
        verbose_name_plural = "3+X 工作室"
        ordering = ["area_id", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="workroom_unique_name")]

    def __str__(self) -> str:
        return self.name


class MediationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A mediation is seen by whoever sees its case (the case's door decides)."""
        from ..models import Case

        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))


class Mediation(models.Model):
    """The 人民调解 of one dispute case, from opening to its result."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="mediation")
    # The centre that mediates (the case's handling centre when the mediation was opened).
    area = models.ForeignKey(
        "areas.Area", verbose_name="调解组织所在区划", on_delete=models.PROTECT, db_column="area_code",
        related_name="+",
    )  # fmt: skip
    workroom = models.ForeignKey(
        Workroom, verbose_name="工作室", null=True, blank=True, on_delete=models.PROTECT,
        related_name="mediations",
    )  # fmt: skip
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="主持调解员", on_delete=models.PROTECT,
        related_name="led_mediations",
    )  # fmt: skip
    co_mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="协助调解员", blank=True, related_name="co_mediations"
    )
    status = models.CharField(
        "状态", max_length=16, choices=MediationStatus.choices, default=MediationStatus.OPEN
    )
    result = models.CharField("调解结果", max_length=16, choices=MediationResult.choices, blank=True)
    outcome_note = models.TextField("调解情况说明", max_length=2000, blank=True)
    agreed_terms = models.TextField("协议内容", max_length=5000, blank=True, help_text="每行一条")
    performance = models.TextField("履行方式、期限", max_length=2000, blank=True)
    agreement_no = models.CharField("协议书编号", max_length=64, blank=True)
    agreed_on = models.DateField("协议日期", null=True, blank=True)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MediationQuerySet.as_manager()

    class Meta:
        verbose_name = "调解"
        verbose_name_plural = "调解"
        ordering = ["-started_at"]
        indexes = [
            # 以案定补 counts: concluded mediations under an area within a period.
            models.Index(fields=["area", "ended_at"], name="mediation_area_end"),
        ]

    def __str__(self) -> str:
        return f"调解 {self.case_id} {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == MediationStatus.OPEN

    def terms(self) -> list[str]:
        """The agreed terms, one per line, without any numbering the mediator typed."""
        terms = []
        for line in (self.agreed_terms or "").splitlines():
            text = _NUMBERING.sub("", line.strip(), count=1).strip()
            if text:
                terms.append(text)
        return terms


class MediationSession(models.Model):
    """One sitting of a mediation: when, where, who came, what was said."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("调解日期")
    place = models.CharField("调解地点", max_length=200)
    attendees = models.CharField("参加人员", max_length=500)
    notes = models.TextField("调解记录", max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "调解记录"
        verbose_name_plural = "调解记录"
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"


class JudicialConfirmation(models.Model):
    """司法确认 of a mediation agreement (人民调解法 §33, 诉调对接)."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="confirmations")
    applied_on = models.DateField("申请日期")
    court = models.CharField("受理法院", max_length=100)
    number = models.CharField("调确字号", max_length=64, blank=True)
    result = models.CharField(
        "确认结果", max_length=16, choices=ConfirmationResult.choices, blank=True, default=""
    )
    decided_on = models.DateField("裁定日期", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "司法确认"
        verbose_name_plural = "司法确认"
        ordering = ["applied_on", "pk"]
        constraints = [
            # At most one application the court has not yet decided, per mediation.
            models.UniqueConstraint(
                fields=["mediation"], condition=Q(result=""), name="confirmation_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"司法确认 {self.court} {self.get_result_display()}"
