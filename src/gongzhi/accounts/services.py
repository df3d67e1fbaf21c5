"""Writes for accounts: grants, login with lockout, API tokens, passwords, departments."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.scope import needs_second_factor
from gongzhi.areas.models import Area
from gongzhi.audit.models import Result
from gongzhi.audit.services import audit_record
from gongzhi.kernel.crypto import token_digest
from gongzhi.kernel.errors import AuthFailed, DomainError, Locked, TooManyRequests
from gongzhi.kernel.jurisdiction import forget_grants
from gongzhi.kernel.roles import ADMIN_ROLES, Role

from . import throttle
from .models import ROLE_LEVELS, ApiToken, Department, LoginThrottle, RoleGrant, TotpDevice, User
from .throttle import lockout_policy

TOKEN_PREFIX = "gz_"


def _check_password_policy(password: str, user=None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("密码不符合要求：" + "；".join(exc.messages), field="password") from None


@transaction.atomic
def user_grant_role(
    *,
    username: str,
    role: str,
    area_code: str,
    actor=None,
    password: str | None = None,
    full_name: str = "",
    department: Department | None = None,
) -> RoleGrant:
    """Create the user if needed, set the password if given, and grant `role` in the area."""
    username = (username or "").strip()
    if not username:
        raise DomainError("用户名不能为空。", field="username")
    if role not in Role.values:
        raise DomainError(f"未知角色 {role}；可用角色：{'、'.join(Role.values)}。", field="role")
    area = Area.objects.filter(pk=area_code).first()
    if area is None:
        raise DomainError(f"区划代码 {area_code} 不存在。", field="area_code")
    if area.level not in ROLE_LEVELS[role]:
        allowed = "、".join(Area(level=lv).get_level_display() for lv in ROLE_LEVELS[role])
        raise DomainError(
            f"{Role(role).label}只能授予在{allowed}一级，{area.name}是{area.get_level_display()}。",
            field="area_code",
        )
    if role == Role.DEPT_STAFF and department is None:
        raise DomainError("职能部门人员须指定所属部门。", field="department")
    if department is not None and not area_code.startswith(department.area_id):
        raise DomainError(f"部门 {department.name} 不在 {area.name} 或其上级。", field="department")

    user, created = User.objects.get_or_create(username=username)
    if role in ADMIN_ROLES:
        held = set(user.grants.filter(role__in=ADMIN_ROLES).values_list("role", flat=True)) - {role}
        if held:
            other = "、".join(Role(r).label for r in sorted(held))
            raise DomainError(
                f"{username} 已是{other}，不能再担任{Role(role).label}：系统管理员、审计员、"
                "安全管理员须由不同的人担任（三员分立）。",
                field="role",
            )
    if full_name:
        user.full_name = full_name
    if created:
        user.set_unusable_password()
    user.save()
    grant, grant_created = RoleGrant.objects.get_or_create(
        user=user, role=role, area=area, defaults={"department": department, "granted_by": actor}
    )
    if not grant_created and department is not None and grant.department_id != department.pk:
        grant.department = department
        grant.save(update_fields=["department"])
    if password is not None:
        # After the grant: the policy refuses the names of the places the user works in.
        _check_password_policy(password, user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
    forget_grants(user)
    audit_record(
        actor=actor,
        action="accounts.grant",
        object_type="user",
        object_id=user.pk,
        area_code=area.code,
        details={"username": username, "role": role, "new_user": created, "new_grant": grant_created},
    )
    return grant


@transaction.atomic
def user_revoke_role(*, username: str, role: str, area_code: str, actor=None) -> int:
    deleted, _ = RoleGrant.objects.filter(user__username=username, role=role, area_id=area_code).delete()
    if not deleted:
        raise DomainError(f"{username} 在 {area_code} 没有角色 {role}。", field="role")
    audit_record(
        actor=actor,
        action="accounts.revoke",
        object_type="user",
        object_id=username,
        area_code=area_code,
        details={"role": role},
    )
    return deleted


def _local(until) -> str:
    return f"{timezone.localtime(until):%H:%M}"


def guarded_check(
    *,
    username: str,
    channel: str,
    action: str,
    wrong: str,
    check,
    clears=lambda user: True,
    lifts_account_lock=lambda: False,
) -> User:
    """Run a credential check behind the sign-in throttles; every outcome is an audit event.

    `check()` returns the user or None. Before it runs, the client address must not be blocked
    (429), the account must not be locked for this address (423) nor everywhere (423) — unless
    `lifts_account_lock()` says this step may go on during an account-wide lock (the owner's
    second factor). A failure counts against the address, the account+address pair and the
    account, and is committed before the error is raised, so every failed try counts, whether a
    password or a one-time code. Success clears the account's failures and lock only when
    `clears(user)`: a right password must not wipe out wrong codes. The thresholds come from
    throttle.lockout_policy().
    """
    key = (username or "").strip().lower()
    policy = lockout_policy()
    address = throttle.client_address()
    now = timezone.now()
    with transaction.atomic():
        by_address = throttle.counter("addr", address, window=policy.address_window, now=now)
        pair = throttle.counter("pair", key, address, window=throttle.FAILURE_MEMORY, now=now)
        account, _ = LoginThrottle.objects.select_for_update().get_or_create(username=key)
        if account.last_failure_at and account.last_failure_at < now - throttle.FAILURE_MEMORY:
            account.failures = 0
        account_locked = bool(account.locked_until and account.locked_until > now)
        error, user, reason = None, None, ""
        if wait := throttle.blocked_for(by_address, now):
            reason = "address_blocked"
            error = TooManyRequests(
                f"本地址登录失败次数过多，请 {throttle.minutes_text(wait)}后再试。", retry_after=wait
            )
        elif wait := throttle.blocked_for(pair, now):
            reason = "locked"
            error = Locked(
                f"登录失败次数过多，账号已锁定（对本地址），请于 {_local(pair.blocked_until)} 后再试"
                f"（锁定 {policy.lock_minutes} 分钟）。",
                retry_after=wait,
            )
        elif account_locked and not lifts_account_lock():
            reason = "account_locked"
            error = Locked(
                f"该账号在多处登录失败，账号已锁定（对所有地址），请于 {_local(account.locked_until)} 后再试"
                f"（锁定 {policy.lock_minutes} 分钟）；已绑定动态口令的用户输入正确的密码和动态验证码即可解锁。",
                retry_after=int((account.locked_until - now).total_seconds()) + 1,
            )
        if error is not None:
            audit_record(
                actor=None,
                username=username,
                action=action,
                result=Result.DENIED,
                details={"channel": channel, "reason": reason},
            )
        else:
            user = check()
            if user is None:
                address_blocked = throttle.count(
                    by_address, limit=policy.address_failures, block=policy.address_window, now=now
                )
                pair_locked = throttle.count(pair, limit=policy.pair_failures, block=policy.lock, now=now)
                account.failures += 1
                account.last_failure_at = now
                account_locks = account.failures >= policy.account_failures and not account_locked
                if account_locks:
                    account.locked_until = now + policy.lock
                    account.failures = 0
                account.save()
                if pair_locked or account_locks:
                    until = now + policy.lock
                    error = Locked(
                        f"登录失败次数过多，账号已锁定，请于 {_local(until)} 后再试（锁定 {policy.lock_minutes} 分钟）。",
                        retry_after=int(policy.lock.total_seconds()),
                    )
                elif address_blocked:
                    wait = int(policy.address_window.total_seconds())
                    error = TooManyRequests(
                        f"本地址登录失败次数过多，请 {throttle.minutes_text(wait)}后再试。", retry_after=wait
                    )
                else:
                    left = policy.pair_failures - pair.count
                    error = AuthFailed(f"{wrong}，再错 {left} 次账号将被锁定 {policy.lock_minutes} 分钟。")
                audit_record(
                    actor=None,
                    username=username,
                    action=action,
                    result=Result.FAILURE,
                    details={
                        "channel": channel,
                        "locked": pair_locked or account_locks,
                        "account_locked": account_locks,
                        "address_blocked": address_blocked,
                    },
                )
            else:
                if clears(user):
                    throttle.reset(pair)
                    account.failures, account.locked_until = 0, None
                    account.save()
                    if account_locked:
                        audit_record(
                            actor=user,
                            action="auth.unlock",
                            object_type="user",
                            object_id=user.pk,
                            details={"channel": channel, "by": action},
                        )
                audit_record(actor=user, action=action, details={"channel": channel})
    if error is not None:
        raise error
    return user


def _has_second_factor(username: str) -> bool:
    return TotpDevice.objects.filter(user__username=username, confirmed_at__isnull=False).exists()


def login_attempt(*, username: str, password: str, channel: str = "web") -> User:
    """Check a username and password behind the throttles.

    During an account-wide lock the password step still runs for an owner with a confirmed
    authenticator: the code that follows decides (and, if right, lifts the lock)."""
    username = (username or "").strip()
    return guarded_check(
        username=username,
        channel=channel,
        action="auth.login",
        wrong="用户名或密码错误",
        check=lambda: authenticate(username=username, password=password) if username and password else None,
        clears=lambda user: not needs_second_factor(user),
        lifts_account_lock=lambda: _has_second_factor(username),
    )


@transaction.atomic
def token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:64],
        digest=token_digest(raw),
        prefix=raw[:10],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit_record(actor=user, action="auth.token_issue", object_type="api_token", object_id=token.pk)
    return token, raw


def token_user(raw: str) -> User | None:
    """The user behind a live token, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user._gongzhi_token = token
    return token.user


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.user_id != actor.pk:
        raise DomainError("只能吊销自己的令牌。")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="auth.token_revoke", object_type="api_token", object_id=token.pk)
    return token


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password or ""):
        raise DomainError("原密码不正确。", field="old_password")
    if old_password == new_password:
        raise DomainError("新密码不能与原密码相同。", field="new_password")
    _check_password_policy(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(actor=user, action="auth.password_change", object_type="user", object_id=user.pk)
    return user


@transaction.atomic
def department_create(*, name: str, kind: str, area_code: str, actor=None, phone: str = "") -> Department:
    name = (name or "").strip()
    if not name:
        raise DomainError("部门名称不能为空。", field="name")
    area = Area.objects.filter(pk=area_code).first()
    if area is None:
        raise DomainError(f"区划代码 {area_code} 不存在。", field="area_code")
    dept, created = Department.objects.get_or_create(
        area=area, name=name, defaults={"kind": kind, "phone": phone}
    )
    if created:
        audit_record(
            actor=actor,
            action="accounts.department_create",
            object_type="department",
            object_id=dept.pk,
            area_code=area.code,
            details={"name": name},
        )
    return dept
