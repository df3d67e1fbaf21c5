"""Residents sign in with a phone number and a one-time code sent through the SMS channel.

The number must belong to a person in the registry (实有人口); the account is created on first
sign-in, linked to that person and granted the resident role in their grid.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import PhoneCode, ResidentLink, User
from gongzhi.accounts.services import guarded_check, user_grant_role
from gongzhi.audit.services import audit_record
from gongzhi.kernel.crypto import blind_index, constant_time_equal, hmac_key, hmac_sm3
from gongzhi.kernel.errors import AuthFailed, DomainError
from gongzhi.kernel.identity import check_phone
from gongzhi.kernel.roles import Role
from gongzhi.notices.sms import send_sms

from ..models import Person

CODE_MINUTES = 5
RESEND_SECONDS = 60
MAX_PER_HOUR = 5
MAX_ATTEMPTS = 5


def _digest(phone_index: str, code: str) -> str:
    return hmac_sm3(hmac_key("index"), f"{phone_index}:{code}".encode())


def _person_for(phone: str):
    """The registry person with this phone: an adult first, then the oldest (shared family phones)."""
    from datetime import date

    people = list(Person.objects.filter(phone_index=blind_index(phone)).order_by("birth_date"))
    adults = [p for p in people if (date.today() - p.birth_date).days >= 18 * 365]
    return (adults or people or [None])[0]


@transaction.atomic
def phone_code_send(*, phone: str) -> str | None:
    """Send a code; returns it only in demo mode (the demo shows it on screen)."""
    phone = check_phone(phone, required=True)
    if len(phone) != 11:
        raise DomainError("请使用手机号码登录。", field="phone")
    if _person_for(phone) is None:
        raise DomainError(
            "该手机号未在实有人口中登记，请联系所在村(社区)的网格员登记后再登录。", field="phone"
        )
    index = blind_index(phone)
    now = timezone.now()
    recent = PhoneCode.objects.filter(phone_index=index, created_at__gte=now - timedelta(hours=1))
    if recent.filter(created_at__gte=now - timedelta(seconds=RESEND_SECONDS)).exists():
        raise DomainError(f"验证码已发送，请 {RESEND_SECONDS} 秒后再试。", field="phone")
    if recent.count() >= MAX_PER_HOUR:
        raise DomainError("验证码发送过于频繁，请一小时后再试。", field="phone")
    code = f"{secrets.randbelow(10**6):06d}"
    PhoneCode.objects.create(phone_index=index, code_digest=_digest(index, code),
                             expires_at=now + timedelta(minutes=CODE_MINUTES))  # fmt: skip
    send_sms(phone, f"【共治】您的登录验证码是 {code}，{CODE_MINUTES} 分钟内有效。请勿告诉他人。")
    audit_record(actor=None, username=f"phone:{phone[:3]}****{phone[-4:]}", action="auth.phone_code")
    return code if settings.DEMO else None


def _resident_user(person) -> User:
    link = ResidentLink.objects.select_related("user").filter(person=person).first()
    if link is not None:
        return link.user
    user = user_grant_role(
        username=f"r{person.pk}", role=Role.RESIDENT, area_code=person.area_id, full_name=person.name
    ).user
    ResidentLink.objects.create(user=user, person=person)
    return user


def phone_code_verify(*, phone: str, code: str, channel: str = "web") -> User:
    """Check the latest code behind the same lockout as passwords; sign the resident in."""
    phone = check_phone(phone, required=True)
    index = blind_index(phone)
    now = timezone.now()
    person = _person_for(phone)
    if person is None:
        raise AuthFailed("该手机号未在实有人口中登记。")

    def check():
        latest = (
            PhoneCode.objects.filter(phone_index=index, used_at__isnull=True, expires_at__gt=now)
            .order_by("-pk")
            .first()
        )
        if latest is None or latest.attempts >= MAX_ATTEMPTS:
            return None
        PhoneCode.objects.filter(pk=latest.pk).update(attempts=latest.attempts + 1)
        if not constant_time_equal(latest.code_digest, _digest(index, (code or "").strip())):
            return None
        # Conditional: of two requests with the same code, only one signs in.
        if not PhoneCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now):
            return None
        return _resident_user(person)

    return guarded_check(username=f"phone:{index[:16]}", channel=channel, action="auth.phone_login",
                         wrong="验证码错误或已过期", check=check)  # fmt: skip
