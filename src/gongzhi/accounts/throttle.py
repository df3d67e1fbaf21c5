"""Limits on guessing: how many failed sign-ins and SMS codes are allowed, and the counters behind them.

Every threshold is read through lockout_policy() / phone_code_policy(), so a county security
policy can replace the settings defaults in one place. Counters live in the database
(ThrottleCounter, LoginThrottle): they hold across processes on SQLite and PostgreSQL alike.

The layers of sign-in protection (design.md §5):
- per address: `address_failures` failed tries of any account from one client address within
  `address_minutes` block that address for `address_minutes` (429);
- per account and address: `pair_failures` wrong tries lock that account *from that address* for
  `lock_minutes` (423), so a stranger cannot lock the owner out from elsewhere;
- per account: `account_failures` wrong tries from all addresses together lock the account
  everywhere for `lock_minutes`; an owner with a confirmed authenticator lifts it by passing the
  second factor (right password and code).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from gongzhi.audit.context import client_ip
from gongzhi.kernel.crypto import hmac_key, hmac_sm3

from . import policy
from .models import LoginThrottle, ThrottleCounter

# Failures older than this are forgotten by the per-account counters.
FAILURE_MEMORY = timedelta(days=1)


@dataclass(frozen=True)
class LockoutPolicy:
    pair_failures: int
    lock_minutes: int
    account_failures: int
    address_failures: int
    address_minutes: int

    @property
    def lock(self) -> timedelta:
        return timedelta(minutes=self.lock_minutes)

    @property
    def address_window(self) -> timedelta:
        return timedelta(minutes=self.address_minutes)


@dataclass(frozen=True)
class PhoneCodePolicy:
    resend_seconds: int
    per_phone_hour: int
    per_address_hour: int


def lockout_policy() -> LockoutPolicy:
    """The sign-in thresholds in force: the per-account lock as the 安全管理员 set it on the 安全策略
    page (accounts/policy.py), the rest from settings (see docs/deploy.md)."""
    county = policy.lockout_policy()
    return LockoutPolicy(
        pair_failures=county.max_failures,
        lock_minutes=county.lock_minutes,
        account_failures=settings.LOGIN_ACCOUNT_MAX_FAILURES,
        address_failures=settings.LOGIN_ADDRESS_MAX_FAILURES,
        address_minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES,
    )


def phone_code_policy() -> PhoneCodePolicy:
    """How often SMS sign-in codes may be asked for."""
    return PhoneCodePolicy(
        resend_seconds=settings.PHONE_CODE_RESEND_SECONDS,
        per_phone_hour=settings.PHONE_CODE_PER_PHONE_HOUR,
        per_address_hour=settings.PHONE_CODE_PER_ADDRESS_HOUR,
    )


def client_address() -> str:
    """The address of the request being served (REMOTE_ADDR, or the first X-Forwarded-For hop
    behind GONGZHI_BEHIND_PROXY; set by the audit context middleware). Empty outside a request."""
    return client_ip.get()


def _digest(kind: str, value: str, length: int) -> str:
    return hmac_sm3(hmac_key("index"), f"throttle:{kind}:{value}".encode())[:length]


def counter_key(kind: str, *values: str) -> str:
    """A short key that names the kind of counter but not the address, phone or username behind
    it: one HMAC per value, so the rows of one username are found by the prefix of the first."""
    return ":".join([kind, *(_digest(kind, value, 48 // len(values)) for value in values)])


def counter(kind: str, *values: str, window: timedelta, now) -> ThrottleCounter:
    """The counter row for (kind, values), locked for update, its window restarted if it ended.

    Call inside a transaction. Creating a row prunes rows whose windows ended long ago, so the
    table holds only live counters without a scheduled job."""
    key = counter_key(kind, *values)
    row = ThrottleCounter.objects.select_for_update().filter(key=key).first()
    if row is None:
        ThrottleCounter.objects.filter(window_start__lt=now - FAILURE_MEMORY).exclude(
            blocked_until__gt=now
        ).delete()
        row, _ = ThrottleCounter.objects.select_for_update().get_or_create(
            key=key, defaults={"window_start": now}
        )
    elif row.window_start + window <= now and not blocked_for(row, now):
        row.count, row.window_start, row.blocked_until = 0, now, None
    return row


def blocked_for(row: ThrottleCounter, now) -> int:
    """Whole seconds (at least 1) until the row stops blocking, or 0 when it does not block."""
    if row.blocked_until is None or row.blocked_until <= now:
        return 0
    return max(1, int((row.blocked_until - now).total_seconds() + 0.999))


def count(row: ThrottleCounter, *, limit: int, block: timedelta, now) -> bool:
    """Count one more; at `limit` the row blocks for `block` and starts counting afresh.
    Returns whether this one reached the limit."""
    row.count += 1
    reached = row.count >= limit
    if reached:
        row.count, row.window_start, row.blocked_until = 0, now, now + block
    row.save()
    return reached


def reset(row: ThrottleCounter) -> None:
    if row.count or row.blocked_until:
        row.count, row.blocked_until = 0, None
        row.save()


def minutes_text(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 60 else f"{(seconds + 59) // 60} 分钟"


def account_unlock(username: str) -> int:
    """Lift every lock on a username, at every address and everywhere (for an administrator's
    unlock action); returns how many locks were lifted. The caller audits it."""
    key = (username or "").strip().lower()
    lifted = ThrottleCounter.objects.filter(
        key__startswith=counter_key("pair", key, "")[: len("pair:") + 24], blocked_until__isnull=False
    ).update(count=0, blocked_until=None)
    lifted += LoginThrottle.objects.filter(username=key, locked_until__isnull=False).update(
        failures=0, locked_until=None
    )
    return lifted
