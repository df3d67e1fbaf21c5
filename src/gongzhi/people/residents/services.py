"""Residents sign in with a phone number and a one-time code sent through the SMS channel.

The number must belong to a person in the registry (实有人口); the account is created on first
sign-in, linked to that person and granted the resident role in their grid.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts import throttle
from gongzhi.accounts.models import PhoneCode, ResidentLink, User
from gongzhi.accounts.services import guarded_check, user_grant_role
from gongzhi.accounts.throttle import phone_code_policy
from gongzhi.audit.services import audit_record
from gongzhi.kernel.crypto import blind_index, constant_time_equal, hmac_key, hmac_sm3
from gongzhi.kernel.errors import DomainError, TooManyRequests
from gongzhi.kernel.identity import check_phone
from gongzhi.kernel.roles import Role
from gongzhi.notices.sms import send_sms

from ..models import Person

CODE_MINUTES = 5
MAX_ATTEMPTS = 5
WRONG_CODE = "验证码错误或已过期（未在实有人口中登记的手机号无法登录）"


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
    """Send a code to a phone in the registry; returns it only in demo mode (shown on screen).

    The answer is the same whether or not the phone is registered — no oracle over the population:
    a code is made, stored and counted for every well-formed number, and only a registered number
    is sent the SMS. Requests are throttled per phone and per client address (phone_code_policy()).
    """
    phone = check_phone(phone, required=True)
    if len(phone) != 11:
        raise DomainError("请使用手机号码登录。", field="phone")
    policy = phone_code_policy()
    index = blind_index(phone)
    now = timezone.now()
    hour = timedelta(hours=1)
    by_address = throttle.counter("code-addr", throttle.client_address(), window=hour, now=now)
    if wait := throttle.blocked_for(by_address, now):
        raise TooManyRequests(
            f"本地址获取验证码过于频繁，请 {throttle.minutes_text(wait)}后再试。",
            field="phone",
            retry_after=wait,
        )
    recent = list(
        PhoneCode.objects.filter(phone_index=index, created_at__gt=now - hour)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    )
    if recent and (wait := policy.resend_seconds - int((now - recent[0]).total_seconds())) > 0:
        raise TooManyRequests(f"验证码已发送，请 {wait} 秒后再试。", field="phone", retry_after=wait)
    if len(recent) >= policy.per_phone_hour:
        wait = max(1, int((recent[policy.per_phone_hour - 1] + hour - now).total_seconds()) + 1)
        raise TooManyRequests(
            f"验证码发送过于频繁，请 {throttle.minutes_text(wait)}后再试。", field="phone", retry_after=wait
        )
    throttle.count(by_address, limit=policy.per_address_hour, block=hour, now=now)
    registered = _person_for(phone) is not None
    code = f"{secrets.randbelow(10**6):06d}"
    PhoneCode.objects.create(phone_index=index, code_digest=_digest(index, code),
                             expires_at=now + timedelta(minutes=CODE_MINUTES))  # fmt: skip
    if registered:
        send_sms(phone, f"【共治】您的登录验证码是 {code}，{CODE_MINUTES} 分钟内有效。请勿告诉他人。")
    audit_record(
        actor=None,
        username=f"phone:{phone[:3]}****{phone[-4:]}",
        action="auth.phone_code",
        details={"registered": registered},
    )
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
    # A phone not in the registry goes the same way and fails like a wrong code (no oracle).
    person = _person_for(phone)

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
        if person is None:
            return None
        # Conditional: of two requests with the same code, only one signs in.
        if not PhoneCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now):
            return None
        return _resident_user(person)

    return guarded_check(username=f"phone:{index[:16]}", channel=channel, action="auth.phone_login",
                         wrong=WRONG_CODE, check=check)  # fmt: skip
