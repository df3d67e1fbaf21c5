"""Login security: lockout per username (pages and API alike), idle timeout, tokens."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.models import ThrottleCounter
from gongzhi.accounts.throttle import counter_key
from gongzhi.audit.models import AuditEvent

from ..conftest import HEJI, PASSWORD, api_token

pytestmark = pytest.mark.django_db


def page_login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def api_login(client, username, password):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def test_login_and_home(personas):
    client = Client()
    response = page_login(client, "heji", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "工作台" in page and "贺集村" in page and "村(社区)综治中心" in page
    assert AuditEvent.objects.filter(action="auth.login", actor_username="heji", result="success").exists()


def test_wrong_password_says_how_many_tries_are_left(personas):
    response = page_login(Client(), "heji", "wrong")
    assert "用户名或密码错误，再错 4 次" in response.content.decode()


def test_five_failures_lock_the_username_on_pages(personas):
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = page_login(client, "heji", "wrong")
    assert "账号已锁定" in response.content.decode()
    # The right password does not help while locked, from any client at that address.
    response = page_login(Client(), "heji", PASSWORD)
    assert response.status_code == 200
    assert "账号已锁定" in response.content.decode() and "15 分钟" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login", actor_username="heji", result="denied").exists()


def test_lock_holds_across_pages_and_api(client, personas):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        api_login(client, "heji", "wrong")
    response = api_login(client, "heji", PASSWORD)
    assert response.status_code == 423
    assert "账号已锁定" in response.json()["error"]["message"]
    assert "账号已锁定" in page_login(Client(), "heji", PASSWORD).content.decode()


def test_lock_ends_after_fifteen_minutes(client, personas):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        api_login(client, "heji", "wrong")
    # The lock holds for this account from this address (the test client's 127.0.0.1).
    pair = ThrottleCounter.objects.get(key=counter_key("pair", "heji", "127.0.0.1"))
    remaining = pair.blocked_until - timezone.now()
    assert timedelta(minutes=14) < remaining <= timedelta(minutes=15)
    ThrottleCounter.objects.filter(pk=pair.pk).update(blocked_until=timezone.now() - timedelta(seconds=1))
    assert api_login(client, "heji", PASSWORD).status_code == 201


def test_unknown_usernames_are_locked_too(client, db):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        api_login(client, "nobody", "x")
    assert api_login(client, "nobody", "x").status_code == 423


def test_lock_is_per_username(client, personas):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        api_login(client, "heji", "wrong")
    assert api_login(client, "gaoyang", PASSWORD).status_code == 201


def test_idle_session_ends_after_thirty_minutes(personas):
    client = personas.client("heji")
    assert client.get("/").status_code == 200
    session = client.session
    session["gongzhi_last_seen"] -= settings.SESSION_IDLE_SECONDS + 1
    session.save()
    response = client.get(f"/areas/{HEJI}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    page = client.get(response["Location"]).content.decode()
    assert "长时间未操作，已自动退出" in page
    # The session is gone: the next request is anonymous.
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.session_expired", actor_username="heji").exists()


def test_active_session_stays(personas):
    client = personas.client("heji")
    client.get("/")
    session = client.session
    session["gongzhi_last_seen"] -= settings.SESSION_IDLE_SECONDS - 60
    session.save()
    assert client.get(f"/areas/{HEJI}/").status_code == 200


def test_idle_session_on_the_api_is_a_401(personas):
    client = personas.client("heji")
    client.get("/")
    session = client.session
    session["gongzhi_last_seen"] -= settings.SESSION_IDLE_SECONDS + 1
    session.save()
    response = client.get(f"/api/v1/areas/{HEJI}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"


def test_token_lifecycle(client, personas):
    token = api_token(client, "heji")
    auth = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/auth/me", headers=auth).json()
    assert me["username"] == "heji" and me["grants"][0]["area_name"] == "贺集村"
    tokens = client.get("/api/v1/auth/tokens", headers=auth).json()
    assert len(tokens) == 1 and token.startswith(tokens[0]["prefix"])
    assert client.delete("/api/v1/auth/token", headers=auth).status_code == 204
    response = client.get("/api/v1/auth/me", headers=auth)
    assert response.status_code == 401
    assert "已吊销" in response.json()["error"]["message"]


def test_revoke_one_token_by_id(client, personas):
    first, second = api_token(client, "heji"), api_token(client, "heji")
    auth = {"Authorization": f"Bearer {second}"}
    first_id = client.get("/api/v1/auth/tokens", headers=auth).json()[-1]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{first_id}", headers=auth).status_code == 204
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    assert client.get("/api/v1/auth/me", headers=auth).status_code == 200


def test_someone_elses_token_cannot_be_revoked(client, personas):
    mine = api_token(client, "heji")
    theirs_id = client.get(
        "/api/v1/auth/tokens", headers={"Authorization": f"Bearer {api_token(client, 'gaoyang')}"}
    ).json()[0]["id"]
    response = client.delete(f"/api/v1/auth/tokens/{theirs_id}", headers={"Authorization": f"Bearer {mine}"})
    assert response.status_code == 404


def test_bad_token_and_bad_payload(client, db):
    response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer gz_forged"})
    assert response.status_code == 401
    response = client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid" and body["fields"][0]["field"] == "password"
    assert "缺少必填字段" in body["message"]


def test_password_change_enforces_policy(personas):
    client = personas.client("heji")
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert "至少 3 类" in response.content.decode()
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password": "New@Pass2027", "new_password2": "New@Pass2027"},
    )
    assert response.status_code == 302
    assert api_login(Client(), "heji", "New@Pass2027").status_code == 201


def test_logout(personas):
    client = personas.client("heji")
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_admin_login_goes_through_our_lockout(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_active_session_still_ends_after_the_absolute_limit(personas):
    client = personas.client("heji")
    client.get("/")
    session = client.session
    session["gongzhi_started"] -= settings.SESSION_ABSOLUTE_SECONDS + 1
    session.save()
    response = client.get("/")
    assert response["Location"].startswith("/login/")
    assert "登录已超过 12 小时" in client.get(response["Location"]).content.decode()


def test_tokens_are_case_sensitive(client, personas):
    token = api_token(client, "heji")
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    altered = token[:3] + token[3:].swapcase()
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {altered}"}).status_code == 401


def test_session_api_write_without_csrf_is_refused_in_chinese(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.heji)
    response = client.put(f"/api/v1/areas/{HEJI}001", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden" and "CSRF" in response.json()["error"]["message"]
