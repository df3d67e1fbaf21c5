"""积分制: accounts of the five subjects, the catalogue, the append-only ledger and its tallies,
declarations and appeals. Writes go through ledger.py and services.py only."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import AppealStatus, AwardEvent, CapPeriod, DeclarationStatus, EntryKind, Source, Star, Subject
from .scoping import ScopedQuerySet, own_account_ids  # noqa: F401 (own_account_ids: re-exported)


def _area_fk(label: str, **extra):
    return models.ForeignKey(
        "areas.Area",
        verbose_name=label,
        on_delete=models.PROTECT,
        db_column="area_code",
        related_name="+",
        **extra,
    )


class AccountQuerySet(ScopedQuerySet):
    owner_field = "self"


class PointAccount(models.Model):
    """积分账户 of one subject: a resident or party member (person), a household, an organisation,
    or a village staff member (user). The balance is only ever changed by ledger.post()."""

    subject = models.CharField("积分主体", max_length=16, choices=Subject.choices)
    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="point_account"
    )
    household = models.OneToOneField(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="point_account"
    )
    organization = models.OneToOneField(
        "people.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="point_account"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="point_account",
    )
    # The smallest area of the subject (grid of the person or household); boards are subtrees of it.
    area = _area_fk("所属区域")
    name = models.CharField("名称", max_length=128)
    # Spendable points. A deduction may take it below zero; a redemption never does.
    balance = models.IntegerField("可用积分", default=0)
    entry_count = models.PositiveIntegerField("流水条数", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = "积分账户"
        verbose_name_plural = "积分账户"
        ordering = ["area_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject__in=[Subject.RESIDENT, Subject.PARTY_MEMBER], person__isnull=False)
                    | Q(subject=Subject.HOUSEHOLD, household__isnull=False)
                    | Q(subject=Subject.ORGANIZATION, organization__isnull=False)
                    | Q(subject=Subject.STAFF, user__isnull=False)
                ),
                name="point_account_has_subject",
            ),
        ]
        indexes = [models.Index(fields=["area", "subject"], name="point_account_area")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_subject_display()}）"


class PointTally(models.Model):
    """Running score and entry count of an account in one period ('all', '2026', '2026Q4', '2026-11').

    Kept by ledger.post() in the same transaction as the entry, so a board for any area subtree
    and period reads one row per account instead of summing the ledger."""

    account = models.ForeignKey(PointAccount, on_delete=models.CASCADE, related_name="tallies")
    period = models.CharField(max_length=8)
    subject = models.CharField(max_length=16, choices=Subject.choices)
    area_code = models.CharField(max_length=18)
    score = models.IntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "period"], name="point_tally_unique")]
        indexes = [
            models.Index(fields=["period", "subject", "area_code"], name="point_tally_area"),
            # area_code rides along (PostgreSQL INCLUDE) so ranks and county boards are index-only scans.
            models.Index(
                fields=["period", "subject", "-score"], name="point_tally_score", include=["area_code"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period}: {self.score}"


class PointCategory(models.Model):
    """A chapter of the catalogue (荆门: 4 大类)."""

    code = models.CharField("编码", max_length=16, unique=True)
    name = models.CharField("名称", max_length=64)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "积分类别"
        verbose_name_plural = "积分类别"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ItemQuerySet(models.QuerySet):
    def for_area(self, code: str):
        """Items that apply in an area: those of the county (or any ancestor) and of its own village."""
        ancestors = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
        return self.filter(area_id__in=ancestors)


class PointItem(models.Model):
    """积分项目: a good deed (points > 0) or a 扣分项 (points < 0). County items bind every village
    below; a village may add its own and adjust county items within [min_points, max_points]."""

    area = _area_fk("制定单位")
    category = models.ForeignKey(
        PointCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField("编码", max_length=24)
    name = models.CharField("名称", max_length=128)
    points = models.IntegerField("分值")
    subjects = models.JSONField("适用主体", default=list)
    needs_evidence = models.BooleanField("需要佐证材料", default=False)
    declarable = models.BooleanField("可由本人申报", default=True)
    cap_times = models.PositiveSmallIntegerField("周期内上限(次)", null=True, blank=True)
    cap_period = models.CharField("上限周期", max_length=8, choices=CapPeriod.choices, blank=True)
    award_roles = models.JSONField("可直接评定的角色", default=list)
    min_points = models.IntegerField("村级可调下限", null=True, blank=True)
    max_points = models.IntegerField("村级可调上限", null=True, blank=True)
    star = models.CharField("积分之星类别", max_length=16, choices=Star.choices, blank=True)
    description = models.CharField("说明", max_length=300, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "积分项目"
        verbose_name_plural = "积分项目"
        ordering = ["category__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="point_item_code"),
            models.CheckConstraint(condition=~Q(points=0), name="point_item_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}（{self.points:+d}）"

    @property
    def is_deduction(self) -> bool:
        return self.points < 0


class PointItemAdjustment(models.Model):
    """A village's own points for a county item, within the county's bounds."""

    item = models.ForeignKey(PointItem, on_delete=models.CASCADE, related_name="adjustments")
    area = _area_fk("村(社区)")
    points = models.IntegerField("本村分值")
    reason = models.CharField("调整理由", max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "area"], name="point_adjustment_unique")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.item.code}: {self.points}"


class AwardMapping(models.Model):
    """Which catalogue item an event elsewhere (a verified report, a volunteer's mediation) awards."""

    area = _area_fk("县(区)")
    event = models.CharField("事项", max_length=32, choices=AwardEvent.choices)
    item = models.ForeignKey(PointItem, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "event"], name="point_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.event} → {self.item.code}"


class EntryQuerySet(ScopedQuerySet):
    area_fields = ("area_code",)


class PointEntry(models.Model):
    """积分流水: one append-only line of an account's ledger. Never updated or deleted (database
    triggers refuse it); a correction is a new, compensating entry that names the one it reverses.
    Each entry is hash-chained to the account's previous one (points/chain.py)."""

    account = models.ForeignKey(PointAccount, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField("序号")
    delta = models.IntegerField("积分变动")
    kind = models.CharField("类型", max_length=16, choices=EntryKind.choices)
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    source_id = models.CharField("来源编号", max_length=40, blank=True)
    item = models.ForeignKey(PointItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    item_code = models.CharField("项目编码", max_length=24, blank=True)
    item_name = models.CharField("项目", max_length=128, blank=True)
    reason = models.CharField("事由", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("经办人", max_length=64, blank=True)
    balance_after = models.IntegerField("变动后余额")
    idempotency_key = models.CharField(max_length=96, blank=True)
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals", verbose_name="冲销"
    )
    subject = models.CharField(max_length=16, choices=Subject.choices)
    area_code = models.CharField(max_length=18)
    created_at = models.DateTimeField("记账时间", db_index=True)
    # The account's hash chain (points/chain.py): the previous entry's hash, and this one's.
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "积分流水"
        verbose_name_plural = "积分流水"
        ordering = ["account_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["account", "seq"], name="point_entry_seq"),
            models.UniqueConstraint(
                fields=["account", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="point_entry_idem",
            ),
            models.CheckConstraint(condition=~Q(delta=0), name="point_entry_not_zero"),
            # A deduction or a correction may leave a balance below zero (a debt to earn back, which
            # later awards pay down); the database itself refuses a redemption that would, whatever
            # code runs.
            models.CheckConstraint(
                condition=Q(balance_after__gte=0) | ~Q(kind="redemption"),
                name="point_entry_balance",
            ),
        ]
        indexes = [models.Index(fields=["area_code", "created_at"], name="point_entry_area_time")]

    def __str__(self) -> str:
        return f"{self.account_id}#{self.seq} {self.delta:+d}"


class DeclarationQuerySet(ScopedQuerySet):
    pass


class PointDeclaration(models.Model):
    """积分申报: a subject claims a catalogue item; a grid worker or village staff decides."""

    account = models.ForeignKey(PointAccount, on_delete=models.PROTECT, related_name="declarations")
    item = models.ForeignKey(PointItem, on_delete=models.PROTECT, related_name="declarations")
    area = _area_fk("所属区域")
    points = models.IntegerField("申报分值")
    text = models.TextField("事迹", max_length=2000)
    occurred_on = models.DateField("发生日期")
    status = models.CharField(
        "状态", max_length=16, choices=DeclarationStatus.choices, default=DeclarationStatus.PENDING
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField("审核时限")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=300, blank=True)
    entry = models.OneToOneField(
        PointEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = "积分申报"
        verbose_name_plural = "积分申报"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["area", "status"], name="point_decl_queue")]

    def __str__(self) -> str:
        return f"{self.account} {self.item.name} {self.get_status_display()}"


class EvidencePhoto(models.Model):
    """A photo backing a declaration or a 红黑榜 nomination, re-encoded without EXIF."""

    declaration = models.ForeignKey(
        PointDeclaration, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    nomination = models.ForeignKey(
        "civic.MoralNomination", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(upload_to="points/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name

    @property
    def url(self) -> str:
        """Served through a view that checks the owner's scope, never as public media."""
        return f"/points/photos/{self.pk}/"


class AppealQuerySet(ScopedQuerySet):
    pass


class PointAppeal(models.Model):
    """申诉: a deduction may be appealed once; the village decides, and overturning it posts a
    compensating entry (never an edit of the deduction)."""

    entry = models.OneToOneField(PointEntry, on_delete=models.PROTECT, related_name="appeal")
    account = models.ForeignKey(PointAccount, on_delete=models.PROTECT, related_name="appeals")
    area = _area_fk("所属区域")
    reason = models.TextField("申诉理由", max_length=2000)
    status = models.CharField(
        "状态", max_length=16, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("裁定意见", max_length=300, blank=True)
    reversal = models.OneToOneField(
        PointEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = "扣分申诉"
        verbose_name_plural = "扣分申诉"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"申诉 {self.entry}"


# Models of the sub-domains live in their packages but keep the points app label (and tables).
from .honours.models import MeetingAwardee, SharingMeeting, StarAward  # noqa: E402,F401
from .shop.models import Redemption, Reward, Shop  # noqa: E402,F401
