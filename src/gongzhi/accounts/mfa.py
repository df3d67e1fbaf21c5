"""Second factor for higher-level staff: TOTP (authenticator app) enrolment and verification."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.scope import needs_second_factor
from gongzhi.audit.services import audit_record
from gongzhi.kernel import totp
from gongzhi.kernel.crypto import decrypt, encrypt
from gongzhi.kernel.errors import DomainError

from .models import TotpDevice, User
from .services import guarded_check

mfa_required = needs_second_factor


def confirmed_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def device_secret(device: TotpDevice) -> str:
    return decrypt(device.secret_encrypted)


@transaction.atomic
def totp_begin_enrolment(*, user: User) -> str:
    """Give an unconfirmed user a fresh secret to scan; a confirmed device is never replaced here."""
    if confirmed_device(user):
        raise DomainError("已绑定动态口令；如需更换请联系系统管理员重置。")
    secret = totp.new_secret()
    TotpDevice.objects.update_or_create(
        user=user, defaults={"secret_encrypted": encrypt(secret), "last_step": 0}
    )
    return secret


def pending_secret(user: User) -> str | None:
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    return device_secret(device) if device else None


def _accept(device: TotpDevice, code: str) -> bool:
    """Accept a code once: the step must be newer than the last one used (no replay)."""
    step = totp.match_step(device_secret(device), code)
    if step is None or step <= device.last_step:
        return False
    # Conditional update: of two requests racing with the same code, one wins.
    return bool(TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step))


def totp_verify(*, user: User, code: str, channel: str = "web") -> User:
    """Check a code for an enrolled user, behind the same lockout as passwords.

    An unconfirmed device is confirmed by its first good code (enrolment).
    """
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        raise DomainError("该账号尚未绑定动态口令，请先在网页端登录完成绑定。", code="mfa_not_enrolled")
    if not (code or "").strip():
        raise DomainError("该账号需要动态验证码（6 位数字）。", field="otp", code="mfa_required")
    enrolling = device.confirmed_at is None

    def check():
        return user if _accept(device, code) else None

    guarded_check(
        username=user.username,
        channel=channel,
        action="auth.mfa",
        wrong="动态验证码错误",
        check=check,
        # The owner's confirmed authenticator lifts an account-wide lock; enrolling never does.
        lifts_account_lock=lambda: not enrolling,
    )
    if enrolling:
        TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
        audit_record(actor=user, action="auth.mfa_enrol", object_type="user", object_id=user.pk)
    return user


def demo_code(user: User) -> str | None:
    """The current code, shown on screen in demo mode only (demo users have no phone app)."""
    if not settings.DEMO:
        return None
    device = TotpDevice.objects.filter(user=user).first()
    return totp.code_at(device_secret(device), totp.current_step()) if device else None
