"""Sign-in under attack: one address guessing many accounts is blocked (429), a stranger cannot lock
an owner out from elsewhere, and an account-wide lock yields to the owner's second factor."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.models import LoginThrottle, ThrottleCounter
from gongzhi.accounts.throttle import counter_key, lockout_policy
from gongzhi.audit.models import AuditEvent
from gongzhi.kernel import totp

from ..conftest import PASSWORD, enrol_totp

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.20"


def page_login(username, password, address, **extra):
    return Client(REMOTE_ADDR=address, **extra).post("/login/", {"username": username, "password": password})


def api_login(username, password, address, otp=""):
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "otp": otp},
        content_type="application/json",
    )


def test_policy_reads_the_settings_defaults():
    policy = lockout_policy()
    assert (policy.pair_failures, policy.lock_minutes) == (5, 15)
    assert (policy.account_failures, policy.address_failures, policy.address_minutes) == (50, 20, 15)


def test_one_address_guessing_many_usernames_is_blocked(personas):
    limit = lockout_policy().address_failures
    statuses = [api_login(f"user{i % 60}", "wrong", ATTACKER).status_code for i in range(limit - 1)]
    assert set(statuses) == {401}
    response = api_login("user99", "wrong", ATTACKER)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_requests"
    assert "本地址登录失败次数过多" in response.json()["error"]["message"]
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    # Blocked means blocked: even the right password from that address is refused, unchecked.
    response = api_login("heji", PASSWORD, ATTACKER)
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 15 * 60
    page = page_login("heji", PASSWORD, ATTACKER)
    assert page.status_code == 429 and "本地址登录失败次数过多" in page.content.decode()
    assert page["Retry-After"]
    # Other addresses are not affected.
    assert api_login("heji", PASSWORD, OWNER).status_code == 201
    assert AuditEvent.objects.filter(
        action="auth.login", result="denied", details__reason="address_blocked"
    ).exists()
    # The address is stored only as an HMAC, and the block ends after the window.
    row = ThrottleCounter.objects.get(key=counter_key("addr", ATTACKER))
    assert ATTACKER not in row.key
    ThrottleCounter.objects.filter(pk=row.pk).update(blocked_until=timezone.now() - timedelta(seconds=1))
    assert api_login("heji", PASSWORD, ATTACKER).status_code == 201


def test_forwarded_for_counts_only_behind_the_proxy(personas, settings):
    limit = lockout_policy().address_failures
    # Not behind a proxy: a made-up X-Forwarded-For does not give the attacker fresh addresses.
    for i in range(limit):
        response = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").post(
            "/api/v1/auth/token", {"username": f"u{i}", "password": "x"}, content_type="application/json"
        )
    assert response.status_code == 429
    # Behind our proxy the first hop is the client: the proxy's own address is not blocked.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"{OWNER}, {ATTACKER}").post(
        "/api/v1/auth/token", {"username": "heji", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 201


def test_a_stranger_cannot_lock_the_owner_out(personas):
    policy = lockout_policy()
    for _ in range(policy.pair_failures):
        response = page_login("heji", "wrong", ATTACKER)
    assert "账号已锁定" in response.content.decode()
    # Locked for the stranger's address, with the right password too …
    assert "账号已锁定" in page_login("heji", PASSWORD, ATTACKER).content.decode()
    assert api_login("heji", PASSWORD, ATTACKER).status_code == 423
    # … but the owner at another address signs in.
    response = page_login("heji", PASSWORD, OWNER)
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(
        action="auth.login", actor_username="heji", result="denied", details__reason="locked"
    ).exists()


def spread_failures(username: str, total: int) -> None:
    """`total` wrong passwords for one account from as many addresses as the pair lock needs."""
    per_address = lockout_policy().pair_failures
    for i in range(total):
        api_login(username, "wrong", f"192.0.2.{i // per_address + 1}")


def test_many_addresses_lock_the_account_everywhere(personas):
    policy = lockout_policy()
    spread_failures("heji", policy.account_failures)
    throttle = LoginThrottle.objects.get(username="heji")
    assert throttle.locked_until > timezone.now() + timedelta(minutes=14)
    response = api_login("heji", PASSWORD, OWNER)
    assert response.status_code == 423
    assert "对所有地址" in response.json()["error"]["message"] and response["Retry-After"]
    assert AuditEvent.objects.filter(action="auth.login", details__account_locked=True).count() == 1
    # It ends after the lock time.
    LoginThrottle.objects.filter(pk=throttle.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert api_login("heji", PASSWORD, OWNER).status_code == 201


def test_the_second_factor_lifts_an_account_lock(personas):
    secret = enrol_totp(personas.county)
    spread_failures("county", lockout_policy().account_failures)
    assert LoginThrottle.objects.get(username="county").locked_until > timezone.now()
    # A wrong code does not lift it.
    client = Client(REMOTE_ADDR=OWNER)
    assert (
        client.post("/login/", {"username": "county", "password": PASSWORD})["Location"] == "/login/verify/"
    )
    response = client.post(
        "/login/verify/",
        {"code": "000000" if totp.code_at(secret, totp.current_step()) != "000000" else "111111"},
    )
    assert response.status_code == 400
    assert LoginThrottle.objects.get(username="county").locked_until > timezone.now()
    # The right password and code from a new address sign in and lift the lock.
    response = client.post("/login/verify/", {"code": totp.code_at(secret, totp.current_step())})
    assert response.status_code == 302 and response["Location"] == "/"
    assert LoginThrottle.objects.get(username="county").locked_until is None
    assert AuditEvent.objects.filter(action="auth.unlock", actor_username="county").exists()
    # The addresses that guessed stay locked for this account.
    assert api_login("county", PASSWORD, "192.0.2.1").status_code == 423


def test_without_a_second_factor_the_password_step_stays_locked(personas):
    enrol_totp(personas.county)
    personas.county.totp.delete()
    spread_failures("county", lockout_policy().account_failures)
    response = page_login("county", PASSWORD, OWNER)
    assert response.status_code == 200 and "对所有地址" in response.content.decode()


def test_counters_of_ended_windows_are_pruned(personas):
    api_login("nobody", "wrong", ATTACKER)
    assert ThrottleCounter.objects.count() == 2  # the address, and the account at the address
    ThrottleCounter.objects.update(window_start=timezone.now() - timedelta(days=2))
    api_login("nobody2", "wrong", OWNER)
    assert not ThrottleCounter.objects.filter(key=counter_key("addr", ATTACKER)).exists()
    assert ThrottleCounter.objects.count() == 2


def test_an_administrator_can_lift_every_lock_of_a_username(personas):
    from gongzhi.accounts.throttle import account_unlock

    spread_failures("heji", lockout_policy().account_failures)
    spread_failures("gaoyang", lockout_policy().pair_failures)
    assert api_login("heji", PASSWORD, "192.0.2.1").status_code == 423
    assert account_unlock("HEJI") == 11  # ten addresses and the lock everywhere
    assert api_login("heji", PASSWORD, "192.0.2.1").status_code == 201
    assert api_login("gaoyang", PASSWORD, "192.0.2.1").status_code == 423  # others stay locked
