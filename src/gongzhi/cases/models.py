"""Cases and their immutable timeline. State changes go through cases/workflow.py only."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongzhi.kernel.jurisdiction import department_ids_of
from gongzhi.kernel.scoping import AreaScopedQuerySet

from .choices import Action, Category, Channel, Concern, Kind, Rating, Status, Supervision, Urgency
from .mediation.models import JudicialConfirmation, Mediation, MediationSession, Workroom  # noqa: F401
from .rules import AREA_READ_ROLES


class CaseQuerySet(AreaScopedQuerySet):
    """Staff see cases in or handled in their areas; departments and assignees see what they were
    given; residents see what they reported themselves."""

    read_roles = AREA_READ_ROLES
    area_fields = ("area_id", "handling_area_id")

    def owned(self, user):
        q = Q(reporter_user=user) | Q(assignee_user=user)
        departments = department_ids_of(user)
        if departments:
            q |= Q(assignee_department_id__in=departments)
        # Co-mediators see the disputes they help mediate, wherever their own grant is.
        return q | Q(
            pk__in=Mediation.co_mediators.through.objects.filter(user=user).values("mediation__case_id")
        )


class CaseCounter(models.Model):
    """Next readable number per county and year: 420822-2026-000123."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county_code", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.county_code}-{self.year}: {self.last}"


class Case(models.Model):
    """One 事件/诉求/矛盾纠纷, from whichever channel it came in."""

    number = models.CharField("编号", max_length=24, unique=True)
    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    category = models.CharField("纠纷类别", max_length=16, choices=Category.choices, blank=True)
    title = models.CharField("标题", max_length=100)
    description = models.TextField("内容", max_length=5000)
    urgency = models.CharField("紧急程度", max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    concern = models.CharField("关注程度", max_length=8, choices=Concern.choices, default=Concern.LOW)
    # Where it happened (a village, grid or 微网格), and the centre that owns it now.
    area = models.ForeignKey(
        "areas.Area", verbose_name="发生地", on_delete=models.PROTECT, db_column="area_code", related_name="+"
    )
    handling_area = models.ForeignKey(
        "areas.Area",
        verbose_name="承办综治中心",
        on_delete=models.PROTECT,
        db_column="handling_area_code",
        related_name="+",
    )
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    address = models.CharField("地点", max_length=200, blank=True)
    reporter_person = models.ForeignKey(
        "people.Person",
        verbose_name="反映人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    anonymous = models.BooleanField("匿名", default=False)
    contact_name = models.CharField("联系人", max_length=64, blank=True)
    contact_phone_cipher = models.CharField(max_length=120, blank=True)
    contact_phone_masked = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    assignee_department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    supervision = models.CharField("督办", max_length=8, choices=Supervision.choices, blank=True)
    accept_due = models.DateTimeField("受理时限", null=True, blank=True)
    resolve_due = models.DateTimeField("办结时限", null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField("超期时间", null=True, blank=True)
    # Flags set once by the deadline sweep, so running it again changes nothing.
    accept_overdue_at = models.DateTimeField("受理超期时间", null=True, blank=True)
    due_soon_notified_at = models.DateTimeField(null=True, blank=True)
    report_up_flagged_at = models.DateTimeField("未按时上报标记时间", null=True, blank=True)
    reported_up_at = models.DateTimeField("上报上级时间", null=True, blank=True)
    extension_until = models.DateTimeField("申请延期至", null=True, blank=True)
    extension_reason = models.CharField(max_length=200, blank=True)
    rework_count = models.PositiveSmallIntegerField("返工次数", default=0)
    settled_level = models.CharField("化解层级", max_length=16, blank=True)
    rating = models.CharField("评价", max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.CharField("评价意见", max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    revisited_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    # The account that sent the intake: the resident, or the staff member registering a call or a
    # visit on someone's behalf. An Idempotency-Key is unique per submitting account on every channel
    # (reporter_user is empty for staff intake, so it cannot carry the key).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField("登记时间", db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "事件"
        verbose_name_plural = "事件"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["handling_area", "status"], name="case_queue"),
            models.Index(fields=["area", "created_at"], name="case_area_time"),
            models.Index(fields=["status", "resolve_due"], name="case_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="case_submitter_idempotency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class CaseParty(models.Model):
    """A party to a dispute: a registered person or organisation, or a name as told."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "people.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField("当事人", max_length=128)
    side = models.CharField("身份", max_length=16, default="当事人")

    def __str__(self) -> str:
        return self.name


class CaseEvent(models.Model):
    """One step of the timeline. Written once, never changed: database triggers refuse UPDATE and
    DELETE (cases/triggers.py). So neither the case nor the acting account can be deleted under it
    (PROTECT, where CASCADE and SET_NULL would have run into the trigger): cases are closed or
    merged, accounts deactivated."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=24, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_name = models.CharField(max_length=64, blank=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField("说明", max_length=2000, blank=True)
    # Internal notes are for staff; the reporter sees a plain timeline without them.
    internal = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


def photo_path(instance, filename: str) -> str:
    return f"cases/{instance.case.created_at:%Y/%m}/{instance.case.number}/{filename}"


class CasePhoto(models.Model):
    """A photo, re-encoded as JPEG without EXIF (no GPS leaks) before it is stored."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    image = models.FileField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name

    @property
    def url(self) -> str:
        """Photos are served through a view that checks the case's scope, never as public media."""
        return f"/cases/{self.case_id}/photos/{self.pk}/"


class DeadlineRule(models.Model):
    """How long a centre at a level has to accept and to resolve a case of a kind and urgency."""

    kind = models.CharField(
        "类型", max_length=16, choices=Kind.choices, blank=True, help_text="留空表示所有类型"
    )
    urgency = models.CharField("紧急程度", max_length=8, choices=Urgency.choices)
    level = models.CharField("层级", max_length=16)
    accept_hours = models.PositiveIntegerField("受理时限(小时)")
    resolve_hours = models.PositiveIntegerField("办结时限(小时)")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "urgency", "level"], name="deadline_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind or '*'}/{self.urgency}/{self.level}: {self.accept_hours}h/{self.resolve_hours}h"
