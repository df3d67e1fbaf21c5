"""Users, their roles in areas, departments, login throttles and API tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from gongzhi.areas.models import Level
from gongzhi.kernel.codes import ancestors
from gongzhi.kernel.jurisdiction import area_codes_for
from gongzhi.kernel.roles import Role
from gongzhi.kernel.scoping import AreaScopedQuerySet

# Where each role may be granted: the level of the area it is attached to.
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.RESIDENT: (Level.VILLAGE, Level.GRID, Level.MICROGRID),
    Role.GRID_WORKER: (Level.VILLAGE, Level.GRID, Level.MICROGRID),
    Role.VILLAGE_STAFF: (Level.VILLAGE,),
    Role.TOWN_STAFF: (Level.TOWN,),
    Role.COUNTY_STAFF: (Level.COUNTY,),
    Role.CITY_STAFF: (Level.CITY,),
    Role.DEPT_STAFF: (Level.CITY, Level.COUNTY, Level.TOWN),
    Role.MEDIATOR: (Level.VILLAGE, Level.TOWN, Level.COUNTY),
    Role.AUDITOR: (Level.PROVINCE, Level.CITY, Level.COUNTY),
    Role.SYSADMIN: (Level.PROVINCE, Level.CITY, Level.COUNTY),
    Role.SECURITY_ADMIN: (Level.PROVINCE, Level.CITY, Level.COUNTY),
}


class User(AbstractUser):
    """A person who signs in: staff, grid worker, mediator, resident, auditor."""

    full_name = models.CharField("姓名", max_length=64, blank=True)
    # When the password was last set; with SecurityPolicy.password_expiry_days it expires.
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Set by an administrator's reset (a temporary password): changed at the next sign-in.
    must_change_password = models.BooleanField("须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class DepartmentKind(models.TextChoices):
    POLICE = "police", "派出所/公安"
    JUSTICE = "justice", "司法所/司法局"
    COURT = "court", "法庭/法院"
    CIVIL = "civil", "民政"
    PROCURATORATE = "procuratorate", "检察院"
    PETITION = "petition", "信访"
    HEALTH = "health", "卫健"
    HRSS = "hrss", "人社"
    HOUSING = "housing", "住建/城管"
    NATURAL_RESOURCES = "natural_resources", "自然资源"
    ECOLOGY = "ecology", "生态环境"
    EMERGENCY = "emergency", "应急管理"
    MARKET = "market", "市场监管"
    OTHER = "other", "其他"


class DepartmentQuerySet(AreaScopedQuerySet):
    """visible_to(user): departments of areas the user can see, and those above them they report to."""

    def public(self, user):
        return models.Q(area_id__in={a for code in area_codes_for(user) for a in ancestors(code)})


class Department(models.Model):
    """A 职能部门 attached to an area: 高阳镇司法所, 沙洋县人民法院, 沙洋县民政局 …"""

    name = models.CharField("名称", max_length=64)
    kind = models.CharField("类别", max_length=32, choices=DepartmentKind.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name="所属区划", on_delete=models.PROTECT, db_column="area_code"
    )
    phone = models.CharField("值班电话", max_length=32, blank=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = "职能部门"
        verbose_name_plural = "职能部门"
        ordering = ["area_id", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class RoleGrant(models.Model):
    """A role held by a user in an area; it reaches every row whose area code starts with it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name="区划", on_delete=models.PROTECT, db_column="area_code"
    )
    department = models.ForeignKey(
        Department, verbose_name="部门", null=True, blank=True, on_delete=models.PROTECT
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        ordering = ["area_id", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "role", "area"], name="grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.area_id}"


class LoginThrottle(models.Model):
    """Failed sign-ins of one username from every address (also for usernames that do not exist).

    Reaching lockout_policy().account_failures locks the account everywhere; the lock for one
    address after a few failures lives in ThrottleCounter (accounts/throttle.py)."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class ApiToken(models.Model):
    """A revocable bearer token; only its HMAC-SM3 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=64, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class TotpDevice(models.Model):
    """An authenticator app enrolled as second factor; the secret is stored SM4-GCM encrypted."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp")
    secret_encrypted = models.CharField(max_length=200)
    confirmed_at = models.DateTimeField("启用时间", null=True, blank=True)
    # The last accepted time step: a code is never accepted twice (replay).
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "动态口令设备"
        verbose_name_plural = "动态口令设备"

    def __str__(self) -> str:
        return f"TOTP {self.user}"


class ResidentLink(models.Model):
    """A resident account and the registry record of the person who uses it (phone sign-in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident_link"
    )
    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="resident_link")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.person_id}"


class PhoneCode(models.Model):
    """A one-time sign-in code sent by SMS; only an HMAC of the code and of the phone is stored."""

    phone_index = models.CharField(max_length=64, db_index=True)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.phone_index[:8]}…"


class SecurityPolicy(models.Model):
    """The deployment's security policy, set by the 安全管理员. One row (pk=1): a deployment serves
    one county and 等保 assesses the system as a whole, so one policy binds every account; an
    account holding grants in two areas could not follow two. Without a row the settings apply."""

    password_min_length = models.PositiveSmallIntegerField("密码最短长度", default=8)
    password_min_classes = models.PositiveSmallIntegerField("密码至少包含字符类别数", default=3)
    password_expiry_days = models.PositiveSmallIntegerField("密码有效期（天，0 为不过期）", default=0)
    login_max_failures = models.PositiveSmallIntegerField("连续登录失败锁定次数", default=5)
    login_lock_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=15)
    idle_timeout_minutes = models.PositiveSmallIntegerField("无操作自动退出（分钟）", default=30)
    mfa_roles = models.JSONField("须动态口令的角色", default=list, blank=True)
    inactive_disable_days = models.PositiveSmallIntegerField("长期未登录停用（天，0 为不停用）", default=90)
    updated_at = models.DateTimeField("修改时间", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = "安全策略"

    def __str__(self) -> str:
        return "安全策略"


class ThrottleCounter(models.Model):
    """A counter in a fixed time window: failed sign-ins per address or per account+address,
    SMS codes per phone or per address. The key names the kind and an HMAC of the value, so no
    address or phone number is stored in clear. Rows of ended windows are pruned as new ones come.
    """

    key = models.CharField(max_length=80, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(db_index=True)
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
