"""The security policy in force, and the one place every rule reads it from (安全管理员's 安全策略).

Readers call the accessors below, never settings.LOGIN_* directly: `lockout_policy()`,
`idle_timeout_seconds()`, `mfa_roles()`, `password_rules()`, `password_expiry_days()`,
`inactive_disable_days()`. Without a saved row the settings are the policy, so a deployment that
never opens the page behaves as before.

The row is read once per request: the first reader in a request fetches it (one query) and every
later one reuses it. Outside a request (management commands, tasks, tests calling services) each
call reads the database, so a change is never missed.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.utils import timezone

_request_cache: ContextVar[dict | None] = ContextVar("gongzhi_policy_cache", default=None)


def settings_defaults() -> dict:
    """The policy the settings describe (environment variables at start-up)."""
    return {
        "password_min_length": settings.PASSWORD_MIN_LENGTH,
        "password_min_classes": settings.PASSWORD_MIN_CLASSES,
        "password_expiry_days": settings.PASSWORD_EXPIRY_DAYS,
        "login_max_failures": settings.LOGIN_MAX_FAILURES,
        "login_lock_minutes": settings.LOGIN_LOCK_MINUTES,
        "idle_timeout_minutes": max(1, settings.SESSION_IDLE_SECONDS // 60),
        "mfa_roles": list(settings.MFA_ROLES),
        "inactive_disable_days": settings.INACTIVE_DISABLE_DAYS,
    }


def current_policy():
    """The saved policy (pk=1), or an unsaved one holding the settings' values."""
    cache = _request_cache.get()
    if cache is not None and "policy" in cache:
        return cache["policy"]
    from .models import SecurityPolicy

    policy = SecurityPolicy.objects.filter(pk=1).first() or SecurityPolicy(pk=1, **settings_defaults())
    if cache is not None:
        cache["policy"] = policy
    return policy


def forget_policy() -> None:
    """Drop the request's copy after the policy was saved."""
    cache = _request_cache.get()
    if cache is not None:
        cache.pop("policy", None)


def _begin_request(**kwargs):
    _request_cache.set({})


def _end_request(**kwargs):
    _request_cache.set(None)


def connect_signals() -> None:
    request_started.connect(_begin_request, dispatch_uid="gongzhi_policy_begin")
    request_finished.connect(_end_request, dispatch_uid="gongzhi_policy_end")


# -- Accessors --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    max_failures: int
    lock_minutes: int


def lockout_policy() -> Lockout:
    """Failed sign-ins before a lock, and how long it lasts."""
    policy = current_policy()
    return Lockout(max_failures=policy.login_max_failures, lock_minutes=policy.login_lock_minutes)


def idle_timeout_seconds() -> int:
    policy = current_policy()
    if policy._state.adding:  # never saved: the setting, to the second
        return settings.SESSION_IDLE_SECONDS
    return policy.idle_timeout_minutes * 60


def mfa_roles() -> set[str]:
    return set(current_policy().mfa_roles or ())


@dataclass(frozen=True)
class PasswordRules:
    min_length: int
    min_classes: int


def password_rules() -> PasswordRules:
    policy = current_policy()
    return PasswordRules(min_length=policy.password_min_length, min_classes=policy.password_min_classes)


def password_expiry_days() -> int:
    return current_policy().password_expiry_days


def inactive_disable_days() -> int:
    return current_policy().inactive_disable_days


def password_change_due(user) -> str:
    """Why the user must change their password before anything else: '' (no need), 'reset' (an
    administrator set a temporary one) or 'expired' (older than the policy allows)."""
    if getattr(user, "must_change_password", False):
        return "reset"
    days = password_expiry_days()
    changed = getattr(user, "password_changed_at", None)
    if days and changed is not None and timezone.now() - changed > timedelta(days=days):
        return "expired"
    return ""


CHANGE_MESSAGES = {
    "reset": "您的密码已由系统管理员重置，请先修改密码后再继续使用。",
    "expired": "您的密码已过期，请先修改密码后再继续使用。",
}
