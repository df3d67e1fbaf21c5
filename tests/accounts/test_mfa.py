"""Second factor for higher-level staff: county/city staff, auditors and sysadmins need a TOTP code."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from gongzhi.accounts.models import TotpDevice
from gongzhi.audit.models import AuditEvent
from gongzhi.kernel import totp

from ..conftest import PASSWORD, enrol_totp

pytestmark = pytest.mark.django_db


def test_rfc6238_vector():
    # RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s -> 94287082 (8 digits).
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp.code_at(secret, 59 // 30, digits=8) == "94287082"
    assert totp.code_at(secret, 1111111109 // 30, digits=8) == "07081804"
    assert totp.match_step(secret, totp.code_at(secret, 1000), now=1000 * 30 + 5) == 1000
    assert totp.match_step(secret, totp.code_at(secret, 998), now=1000 * 30) is None
    assert totp.match_step(secret, "12ab56", now=0) is None


def sign_in(client, username):
    return client.post("/login/", {"username": username, "password": PASSWORD})


def test_village_staff_needs_no_second_factor(personas):
    client = Client()
    assert sign_in(client, "heji")["Location"] == "/"


def test_first_sign_in_enrols_an_authenticator(personas):
    client = Client()
    response = sign_in(client, "county")
    assert response["Location"] == "/login/verify/"
    # Password alone does not sign in.
    assert client.get("/")["Location"].startswith("/login/")
    page = client.get("/login/verify/").content.decode()
    assert "绑定动态口令" in page and "data:image/svg+xml" in page
    device = TotpDevice.objects.get(user=personas.county)
    assert device.confirmed_at is None
    secret = page.split('class="secret">')[1].split("<")[0]
    # The secret is stored SM4-encrypted, not in plain text.
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM accounts_totpdevice WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]
    assert secret not in stored and stored.startswith("sm4gcm:")
    response = client.post("/login/verify/", {"code": totp.code_at(secret, totp.current_step())})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed_at is not None
    assert AuditEvent.objects.filter(action="auth.mfa_enrol", actor_username="county").exists()


def test_enrolled_user_enters_a_code_once(personas):
    secret = enrol_totp(personas.auditor)
    code = totp.code_at(secret, totp.current_step())
    client = Client()
    sign_in(client, "auditor")
    page = client.get("/login/verify/").content.decode()
    assert "输入动态验证码" in page and "data:image" not in page
    assert client.post("/login/verify/", {"code": code}).status_code == 302
    # The same code cannot be replayed in another session.
    other = Client()
    sign_in(other, "auditor")
    response = other.post("/login/verify/", {"code": code})
    assert response.status_code == 400 and "动态验证码错误" in response.content.decode()


def test_wrong_codes_count_towards_the_lockout(personas):
    enrol_totp(personas.county)
    client = Client()
    sign_in(client, "county")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = client.post("/login/verify/", {"code": "000000"})
    assert "账号已锁定" in response.content.decode()
    assert "账号已锁定" in sign_in(Client(), "county").content.decode()


def test_verify_page_without_password_step_goes_back_to_login(db):
    response = Client().get("/login/verify/")
    assert response["Location"] == "/login/"


def test_api_token_needs_the_code(client, personas):
    payload = {"username": "county", "password": PASSWORD}
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "mfa_not_enrolled"
    secret = enrol_totp(personas.county)
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["fields"][0]["field"] == "otp"
    payload["otp"] = "123456" if totp.code_at(secret, totp.current_step()) != "123456" else "654321"
    assert client.post("/api/v1/auth/token", payload, content_type="application/json").status_code == 401
    payload["otp"] = totp.code_at(secret, totp.current_step())
    assert client.post("/api/v1/auth/token", payload, content_type="application/json").status_code == 201


def test_reset_mfa_command(personas, capsys):
    from django.core.management import CommandError, call_command

    enrol_totp(personas.county)
    call_command("reset_mfa", "county")
    assert "已重置" in capsys.readouterr().out
    assert not TotpDevice.objects.filter(user=personas.county).exists()
    assert AuditEvent.objects.filter(action="auth.mfa_reset", object_id="county").exists()
    with pytest.raises(CommandError, match="没有绑定"):
        call_command("reset_mfa", "county")


def test_right_password_does_not_reset_wrong_codes(client, personas):
    # An attacker with the password re-sends it before each code guess: the lock still engages.
    secret = enrol_totp(personas.county)
    wrong = "000000" if totp.code_at(secret, totp.current_step()) != "000000" else "111111"
    payload = {"username": "county", "password": PASSWORD, "otp": wrong}
    statuses = [
        client.post("/api/v1/auth/token", payload, content_type="application/json").status_code
        for _ in range(settings.LOGIN_MAX_FAILURES)
    ]
    assert statuses[-1] == 423
    payload["otp"] = totp.code_at(secret, totp.current_step())
    assert client.post("/api/v1/auth/token", payload, content_type="application/json").status_code == 423
