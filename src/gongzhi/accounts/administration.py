"""账号管理: what the 系统管理员 does to accounts in their jurisdiction, and the 安全管理员's policy.

Every write checks the actor's reach (the areas where they hold the sysadmin role), refuses with a
Chinese message, and leaves an audit event in the same transaction.
"""

import secrets
import string
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.kernel.codes import is_code, prefix_q, scope_q
from gongzhi.kernel.errors import DomainError, Forbidden, Invalid
from gongzhi.kernel.jurisdiction import area_codes_for, forget_grants, roles_of
from gongzhi.kernel.roles import ADMIN_ROLES, Role

from . import policy, throttle
from .models import ApiToken, Department, LoginThrottle, RoleGrant, SecurityPolicy, TotpDevice, User
from .services import user_grant_role, user_revoke_role

# -- Reach -------------------------------------------------------------------------------------------


def admin_areas(actor) -> list[str]:
    """Areas where the actor is 系统管理员."""
    return area_codes_for(actor, (Role.SYSADMIN,))


def _within(code: str, codes: list[str]) -> bool:
    return any(code.startswith(c) for c in codes)


def require_area(actor, area_code: str) -> None:
    if not _within(area_code or "", admin_areas(actor)):
        raise DomainError(
            f"区划 {area_code} 不在您的管理范围内，只能在您担任系统管理员的区划及其下级授权。", field="area"
        )


def accounts_in_reach(actor, *, q: str = "", role: str = "", area: str = ""):
    """Users with any grant inside the actor's areas, their grants prefetched, newest first."""
    codes = admin_areas(actor)
    if not codes:
        return User.objects.none()
    grants = RoleGrant.objects.filter(scope_q("area_id", codes))
    if role:
        grants = grants.filter(role=role)
    if area:
        grants = grants.filter(prefix_q("area_id", area)) if is_code(area) else grants.none()
    users = User.objects.filter(pk__in=grants.values("user_id"))
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    shown = RoleGrant.objects.select_related("area", "department").order_by("area_id", "role")
    return users.prefetch_related(Prefetch("grants", queryset=shown, to_attr="all_grants")).order_by(
        "-date_joined", "-pk"
    )


def account_for(actor, pk: int) -> User:
    """A user in the actor's reach, or 404 (like any object out of jurisdiction)."""
    user = accounts_in_reach(actor).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def login_failures(usernames) -> dict[str, dict]:
    """Failed sign-ins and lock state per username, as LoginThrottle keeps them today.

    The one reader of the throttle for these pages: {username: {"failures": n, "locked_until":
    datetime or None}}. When throttling changes shape (per address and per account), only this
    function changes."""
    keys = {u.lower(): u for u in usernames}
    now = timezone.now()
    found = {}
    for row in LoginThrottle.objects.filter(username__in=keys):
        locked = row.locked_until if row.locked_until and row.locked_until > now else None
        found[keys[row.username]] = {"failures": row.failures, "locked_until": locked}
    return found


# -- Accounts ----------------------------------------------------------------------------------------


def _temporary_password() -> str:
    """A one-time password meeting any sane policy: every character class, at least 14 long."""
    length = max(14, policy.password_rules().min_length)
    pools = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "@#%+=!?")
    alphabet = "".join(p for p in pools)
    chars = [secrets.choice(p) for p in pools]
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _set_temporary_password(user: User) -> str:
    raw = _temporary_password()
    user.set_password(raw)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    return raw


def end_sessions(user: User) -> int:
    """Delete every live browser session of the user."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def account_create(
    *, actor, username: str, full_name: str, role: str, area_code: str, department: Department | None = None
) -> tuple[User, str]:
    """A new account with its first role and a temporary password (shown once)."""
    username = (username or "").strip()
    errors = []
    if not username:
        errors.append(("username", "请填写用户名。"))
    elif User.objects.filter(username__iexact=username).exists():
        errors.append(("username", f"用户名 {username} 已被使用，请换一个。"))
    if not (full_name or "").strip():
        errors.append(("full_name", "请填写姓名。"))
    if errors:
        raise Invalid(errors)
    grant = account_grant(
        actor=actor, username=username, role=role, area_code=area_code, department=department
    )
    user = grant.user
    user.full_name = full_name.strip()
    user.save(update_fields=["full_name"])
    raw = _set_temporary_password(user)
    audit_record(
        actor=actor,
        action="accounts.create",
        object_type="user",
        object_id=user.pk,
        area_code=area_code,
        details={"username": username, "role": role},
    )
    return user, raw


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写原因（将记入审计日志）。", field="reason")
    return reason[:200]


@transaction.atomic
def account_disable(*, actor, user: User, reason: str) -> User:
    """Disable: no sign-in, its API tokens revoked, its sessions ended."""
    reason = _reason(reason)
    if user.pk == actor.pk:
        raise DomainError("不能停用自己的账号。")
    if not user.is_active:
        raise DomainError(f"{user.display_name} 已是停用状态。")
    user.is_active = False
    user.save(update_fields=["is_active"])
    now = timezone.now()
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    sessions = end_sessions(user)
    audit_record(
        actor=actor,
        action="accounts.disable",
        object_type="user",
        object_id=user.pk,
        details={"username": user.username, "reason": reason, "tokens": tokens, "sessions": sessions},
    )
    return user


@transaction.atomic
def account_enable(*, actor, user: User, reason: str) -> User:
    reason = _reason(reason)
    if user.is_active:
        raise DomainError(f"{user.display_name} 已是启用状态。")
    user.is_active = True
    # A re-enabled account starts a fresh period; otherwise the inactivity sweep disables it again.
    user.last_login = timezone.now()
    user.save(update_fields=["is_active", "last_login"])
    audit_record(
        actor=actor,
        action="accounts.enable",
        object_type="user",
        object_id=user.pk,
        details={"username": user.username, "reason": reason},
    )
    return user


def account_grant(
    *, actor, username: str, role: str, area_code: str, department: Department | None = None
) -> RoleGrant:
    """Grant a role inside the actor's reach; never one of the 三员 to themselves."""
    require_area(actor, area_code)
    if role in ADMIN_ROLES and username == actor.get_username():
        raise DomainError(f"不能给自己授予{Role(role).label}角色，须由上级系统管理员办理。", field="role")
    return user_grant_role(
        username=username, role=role, area_code=area_code, department=department, actor=actor
    )


def account_revoke(*, actor, grant: RoleGrant) -> None:
    require_area(actor, grant.area_id)
    if grant.user_id == actor.pk and grant.role == Role.SYSADMIN:
        raise DomainError("不能撤销自己的系统管理员角色。")
    user_revoke_role(username=grant.user.username, role=grant.role, area_code=grant.area_id, actor=actor)
    forget_grants(grant.user)


@transaction.atomic
def password_reset(*, actor, user: User) -> str:
    """A temporary password, returned once; the user must change it at the next sign-in. Changing
    the password hash also ends their other sessions (Django checks it on every request)."""
    if user.pk == actor.pk:
        raise DomainError("请通过“修改密码”修改自己的密码。")
    raw = _set_temporary_password(user)
    throttle.account_unlock(user.username)
    audit_record(
        actor=actor,
        action="accounts.password_reset",
        object_type="user",
        object_id=user.pk,
        details={"username": user.username},
    )
    return raw


@transaction.atomic
def mfa_reset(*, actor, username: str, reason: str = "") -> None:
    """Remove the user's authenticator so they enrol again at the next sign-in (lost phone)."""
    if actor is not None and actor.get_username() == username:
        raise DomainError("不能重置自己的动态口令，须由其他系统管理员办理。")
    deleted, _ = TotpDevice.objects.filter(user__username=username).delete()
    if not deleted:
        raise DomainError(f"用户 {username} 没有绑定动态口令。")
    audit_record(
        actor=actor,
        action="auth.mfa_reset",
        object_type="user",
        object_id=username,
        details={"reason": reason} if reason else None,
    )


# -- Inactive accounts -------------------------------------------------------------------------------


@transaction.atomic
def disable_inactive(*, now=None) -> list[str]:
    """Disable working accounts (any role but resident) unused for the policy's days (last sign-in,
    or joining if never signed in). The last active 系统管理员 is kept, so someone can still
    re-enable the others."""
    days = policy.inactive_disable_days()
    if not days:
        return []
    cutoff = (now or timezone.now()) - timedelta(days=days)
    # Working accounts only: residents sign in with a phone code when they need to, and months
    # without a report are normal for them.
    working = RoleGrant.objects.exclude(role=Role.RESIDENT).values("user_id")
    stale = User.objects.filter(is_active=True, pk__in=working).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    sysadmins = set(
        User.objects.filter(is_active=True, grants__role=Role.SYSADMIN)
        .values_list("pk", flat=True)
        .distinct()
    )
    disabled = []
    for user in stale.order_by("pk"):
        if user.pk in sysadmins:
            if len(sysadmins) <= 1:
                continue
            sysadmins.discard(user.pk)
        user.is_active = False
        user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(
            actor=None,
            action="accounts.disable_inactive",
            object_type="user",
            object_id=user.pk,
            details={
                "username": user.username,
                "reason": f"超过 {days} 天未登录，自动停用",
                "last_login": user.last_login.isoformat() if user.last_login else None,
            },
        )
        disabled.append(user.username)
    return disabled


# -- The security policy -----------------------------------------------------------------------------

POLICY_FIELDS = (
    "password_min_length",
    "password_min_classes",
    "password_expiry_days",
    "login_max_failures",
    "login_lock_minutes",
    "idle_timeout_minutes",
    "mfa_roles",
    "inactive_disable_days",
)
_LIMITS = {
    "password_min_length": (8, 64, "密码最短长度须在 8 到 64 位之间（等保要求不少于 8 位）。"),
    "password_min_classes": (1, 4, "字符类别数须在 1 到 4 之间。"),
    "password_expiry_days": (0, 3650, "密码有效期须在 0 到 3650 天之间（0 为不过期）。"),
    "login_max_failures": (3, 20, "锁定次数须在 3 到 20 之间。"),
    "login_lock_minutes": (1, 1440, "锁定时长须在 1 到 1440 分钟之间。"),
    "idle_timeout_minutes": (1, 720, "无操作退出时间须在 1 到 720 分钟之间。"),
    "inactive_disable_days": (0, 3650, "停用天数须在 0 到 3650 天之间（0 为不停用）。"),
}


def require_security_admin(actor) -> None:
    if Role.SECURITY_ADMIN not in roles_of(actor):
        raise Forbidden("只有安全管理员可以修改安全策略。")


@transaction.atomic
def policy_update(*, actor, values: dict) -> SecurityPolicy:
    """Save the policy; the audit event holds what changed, before and after."""
    require_security_admin(actor)
    errors = []
    for field, (low, high, message) in _LIMITS.items():
        value = values.get(field)
        if not isinstance(value, int) or not low <= value <= high:
            errors.append((field, message))
    roles = values.get("mfa_roles") or []
    if any(r not in Role.values for r in roles):
        errors.append(("mfa_roles", "须动态口令的角色中有未知角色。"))
    if errors:
        raise Invalid(errors)
    current = SecurityPolicy.objects.select_for_update().filter(pk=1).first() or policy.current_policy()
    before = {f: getattr(current, f) for f in POLICY_FIELDS}
    before["mfa_roles"] = sorted(set(before["mfa_roles"] or ()))
    after = {**{f: values[f] for f in POLICY_FIELDS if f != "mfa_roles"}, "mfa_roles": sorted(set(roles))}
    changed = {f: {"before": before[f], "after": after[f]} for f in POLICY_FIELDS if before[f] != after[f]}
    for field, value in after.items():
        setattr(current, field, value)
    current.pk = 1
    current.updated_at, current.updated_by = timezone.now(), actor
    current.save()
    policy.forget_policy()
    audit_record(
        actor=actor,
        action="accounts.policy_update",
        object_type="security_policy",
        object_id=1,
        details={"changed": changed},
    )
    return current
