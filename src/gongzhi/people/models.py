"""实有人口, 户 and 单位. Identifiers are stored SM4-GCM encrypted with an HMAC-SM3 blind index
and a masked copy for display; raw SQL never shows a full ID number or phone (design.md §5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongzhi.kernel.scoping import AreaScopedQuerySet

from .choices import (
    CareColour,
    Education,
    Ethnicity,
    Gender,
    IdType,
    MaritalStatus,
    OrgKind,
    PersonKind,
    PoliticalStatus,
    Relation,
    Tag,
)
from .rules import OFFENCE_ROLES, READ_ROLES


class ScopedQuerySet(AreaScopedQuerySet):
    """visible_to(user): rows under an area where the user holds a role that reads the registry."""

    read_roles = READ_ROLES


class PersonQuerySet(ScopedQuerySet):
    # 两簿并行: the village of residence (居住簿) and the village of 户籍 (户口簿) both keep the person.
    area_fields = ("area_id", "hukou_area_id")


class Household(models.Model):
    """户: a household at an address in a grid, with its care colour (三色管理)."""

    household_no = models.CharField("户号", max_length=32)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name="所属网格",
        on_delete=models.PROTECT,
        db_column="area_code",
        related_name="+",
    )
    address = models.CharField("住址", max_length=200)
    care_colour = models.CharField(
        "关爱等级", max_length=8, choices=CareColour.choices, default=CareColour.GREEN
    )
    care_reason = models.CharField("等级原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "户"
        verbose_name_plural = "户"
        ordering = ["area_id", "household_no"]
        constraints = [models.UniqueConstraint(fields=["area", "household_no"], name="household_unique_no")]

    def __str__(self) -> str:
        return f"{self.household_no} {self.address}"


class Person(models.Model):
    """实有人口: GB/T 31000 core items, 户籍 and 现住 kept apart (两簿并行)."""

    name = models.CharField("姓名", max_length=64, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=16, choices=Ethnicity.choices, default="汉族")
    id_type = models.CharField("证件类型", max_length=16, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number_cipher = models.CharField(max_length=120)
    id_number_index = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField("公民身份号码", max_length=32)
    phone_cipher = models.CharField(max_length=120, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=16, choices=PoliticalStatus.choices, default="群众"
    )
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    marital_status = models.CharField("婚姻状况", max_length=8, choices=MaritalStatus.choices, blank=True)
    occupation = models.CharField("职业", max_length=64, blank=True)
    workplace = models.CharField("服务处所", max_length=128, blank=True)
    kind = models.CharField(
        "人口类型", max_length=16, choices=PersonKind.choices, default=PersonKind.REGISTERED
    )
    extra = models.JSONField("类型附加项", default=dict, blank=True)
    # 现住地 (居住簿): the grid where the person lives; it scopes the row.
    area = models.ForeignKey(
        "areas.Area",
        verbose_name="现住网格",
        on_delete=models.PROTECT,
        db_column="area_code",
        related_name="+",
    )
    address = models.CharField("现住址", max_length=200)
    # 户籍地 (户口簿): an area of ours when it is in our tree, and the address as registered.
    hukou_area = models.ForeignKey(
        "areas.Area",
        verbose_name="户籍地区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_column="hukou_area_code",
        related_name="+",
    )
    hukou_address = models.CharField("户籍地址", max_length=200, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name="所在户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    relation = models.CharField("与户主关系", max_length=8, choices=Relation.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "实有人口"
        verbose_name_plural = "实有人口"
        ordering = ["area_id", "name"]
        indexes = [models.Index(fields=["area", "kind"], name="person_area_kind")]

    def __str__(self) -> str:
        return f"{self.name}({self.id_number_masked})"

    @property
    def is_party_member(self) -> bool:
        return self.political_status in (PoliticalStatus.CPC, PoliticalStatus.CPC_PROBATIONARY)


class PersonTag(models.Model):
    """A role a person plays in the community (人大代表, 中心户长, 志愿者 …); one row per tag."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField("标签", max_length=32, choices=Tag.choices)

    class Meta:
        verbose_name = "人员标签"
        verbose_name_plural = "人员标签"
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="person_tag_unique")]
        indexes = [models.Index(fields=["tag", "person"], name="person_tag_lookup")]

    def __str__(self) -> str:
        return self.get_tag_display()


class Organization(models.Model):
    """单位 / 社会组织 / 学校 / 医院 / 企业 / 监所 …"""

    name = models.CharField("名称", max_length=128, db_index=True)
    kind = models.CharField("类别", max_length=16, choices=OrgKind.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name="所属网格",
        on_delete=models.PROTECT,
        db_column="area_code",
        related_name="+",
    )
    address = models.CharField("地址", max_length=200)
    contact_name = models.CharField("联系人", max_length=64, blank=True)
    contact_phone_cipher = models.CharField(max_length=120, blank=True)
    contact_phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    contact_phone_masked = models.CharField("联系电话", max_length=20, blank=True)
    employees = models.PositiveIntegerField("从业人数", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "单位/组织"
        verbose_name_plural = "单位/组织"
        ordering = ["area_id", "name"]

    def __str__(self) -> str:
        return self.name


class ImportJobQuerySet(AreaScopedQuerySet):
    """An upload is seen by the one who made it; everyone else gets a 404."""

    read_roles = ()

    def owned(self, user):
        return Q(owner=user)


class ImportJob(models.Model):
    """One uploaded people workbook, imported in the background; the page polls it for progress."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "导入中"
        FAILED = "failed", "未导入"
        DONE = "done", "已完成"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    filename = models.CharField("原文件名", max_length=200)
    # The upload marked with its problems, built by the background job (never in a request).
    error_file = models.FileField("错误标注工作簿", upload_to="imports/%Y/%m/", blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField("总步数", default=0)
    processed = models.PositiveIntegerField("已完成步数", default=0)
    # (row, column, reason) triples, the first MAX_ERRORS of error_count; the rest only counted.
    errors = models.JSONField("错误", default=list, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    MAX_ERRORS = 10_000

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.DONE)


class OffenceQuerySet(AreaScopedQuerySet):
    """Criminal records: 综治中心 staff of the area only (like a full ID number); reads go through
    people.offences, which audits them."""

    read_roles = OFFENCE_ROLES


class OffenceRecord(models.Model):
    """A person's offence dealt with by law (违法/犯罪被依法处理). It vetoes 法治家庭 (一票否决), which
    asks people.offences whether a household has one; the record itself is the registry's."""

    KINDS = ("违法", "犯罪")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        "areas.Area",
        verbose_name="所属区域",
        on_delete=models.PROTECT,
        db_column="area_code",
        related_name="+",
    )
    occurred_on = models.DateField("处理日期")
    kind = models.CharField("性质", max_length=8, choices=[("违法", "违法"), ("犯罪", "犯罪")])
    description = models.CharField("情况", max_length=300)
    authority = models.CharField("处理机关", max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OffenceQuerySet.as_manager()

    class Meta:
        # Created by the points app (as part of 法治家庭); moved here without touching the table.
        db_table = "points_offencerecord"
        verbose_name = "违法犯罪记录"
        verbose_name_plural = "违法犯罪记录"
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.occurred_on}"
