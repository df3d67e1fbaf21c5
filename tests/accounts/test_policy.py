"""安全策略: the 安全管理员 edits one policy; idle timeout, second factor, password rules and expiry
read it; until someone edits it the settings apply unchanged."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from gongzhi.accounts import policy
from gongzhi.accounts.models import SecurityPolicy, User
from gongzhi.accounts.scope import needs_second_factor
from gongzhi.audit.models import AuditEvent

from ..conftest import COUNTY, HEJI, HEJI_GRID1, PASSWORD, make_user

pytestmark = pytest.mark.django_db

FORM = {
    "password_min_length": 8,
    "password_min_classes": 3,
    "password_expiry_days": 0,
    "login_max_failures": 5,
    "login_lock_minutes": 15,
    "idle_timeout_minutes": 30,
    "inactive_disable_days": 90,
    "mfa_roles": ["county_staff", "city_staff", "auditor", "sysadmin", "security_admin"],
}


@pytest.fixture
def security(personas):
    client = Client()
    client.force_login(make_user("secadmin", "security_admin", COUNTY))
    return client


def edit(client, **changes):
    return client.post("/manage/policy/", {**FORM, **changes})


def test_defaults_are_the_settings(db):
    assert not SecurityPolicy.objects.exists()
    assert policy.lockout_policy().max_failures == settings.LOGIN_MAX_FAILURES
    assert policy.lockout_policy().lock_minutes == settings.LOGIN_LOCK_MINUTES
    assert policy.idle_timeout_seconds() == settings.SESSION_IDLE_SECONDS
    assert policy.mfa_roles() == set(settings.MFA_ROLES)
    assert policy.password_rules().min_length == 8 and policy.inactive_disable_days() == 90


def test_page_is_for_the_security_admin_only(personas, security):
    page = security.get("/manage/policy/").content.decode()
    assert "安全策略" in page and "尚未修改" in page
    home = security.get("/").content.decode()
    assert 'href="/manage/policy/"' in home and "账号管理" not in home
    for name in ("county", "auditor"):
        assert personas.client(name).get("/manage/policy/").status_code == 404
    sysadmin = Client()
    sysadmin.force_login(make_user("sys", "sysadmin", COUNTY))
    assert sysadmin.post("/manage/policy/", {**FORM, "password_min_length": 20}).status_code == 404
    assert not SecurityPolicy.objects.exists()


def test_edit_is_audited_with_before_and_after(security):
    response = edit(security, password_min_length=12, idle_timeout_minutes=10)
    assert response.status_code == 302
    saved = SecurityPolicy.objects.get(pk=1)
    assert saved.password_min_length == 12 and saved.idle_timeout_minutes == 10
    event = AuditEvent.objects.get(action="accounts.policy_update")
    assert event.details["changed"] == {
        "password_min_length": {"before": 8, "after": 12},
        "idle_timeout_minutes": {"before": 30, "after": 10},
    }
    assert event.actor_username == "secadmin"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"password_min_length": 6}, "不少于 8 位"),
        ({"password_min_classes": 5}, "1 到 4"),
        ({"login_max_failures": 0}, "3 到 20"),
        ({"idle_timeout_minutes": 0}, "1 到 720"),
        ({"mfa_roles": ["emperor"]}, "emperor"),
    ],
)
def test_bad_values_are_refused_by_name(security, changes, message):
    response = edit(security, **changes)
    assert response.status_code == 200 and message in response.content.decode()
    assert not SecurityPolicy.objects.exists()


def test_idle_timeout_follows_the_policy(personas, security):
    edit(security, idle_timeout_minutes=5)
    client = personas.client("heji")
    client.get("/")
    session = client.session
    session["gongzhi_last_seen"] -= 6 * 60
    session.save()
    response = client.get(f"/areas/{HEJI}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_second_factor_roles_follow_the_policy(personas, security):
    assert needs_second_factor(personas.county) and not needs_second_factor(personas.heji)
    edit(security, mfa_roles=["village_staff"])
    assert needs_second_factor(personas.heji) and not needs_second_factor(personas.county)
    response = Client().post("/login/", {"username": "heji", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/login/verify/"


def test_password_rules_follow_the_policy(personas, security):
    edit(security, password_min_length=14, password_min_classes=4)
    client = personas.client("heji")
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password": "Abc@12345xyz", "new_password2": "Abc@12345xyz"},
    )
    page = response.content.decode()
    assert "至少 14 位" in page
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password": "Abcd12345xyzqw", "new_password2": "Abcd12345xyzqw"},
    )
    assert "至少 4 类" in response.content.decode()
    with pytest.raises(CommandError, match="至少 14 位"):
        call_command("grant", "newbie", "grid_worker", HEJI_GRID1, "--password", "Abc@12345")


def test_expired_password_sends_the_user_to_change_it(personas, security):
    edit(security, password_expiry_days=90)
    User.objects.filter(username="heji").update(password_changed_at=timezone.now() - timedelta(days=91))
    client = personas.client("heji")
    response = client.get(f"/areas/{HEJI}/")
    assert response.status_code == 302 and response["Location"] == "/account/password/"
    assert "您的密码已过期" in client.get("/account/password/").content.decode()
    response = client.get(f"/api/v1/areas/{HEJI}")
    assert response.status_code == 403 and "密码已过期" in response.json()["error"]["message"]
    new = "Heji#Village2031"
    client.post("/account/password/", {"old_password": PASSWORD, "new_password": new, "new_password2": new})
    assert client.get(f"/areas/{HEJI}/").status_code == 200
    # A password younger than the policy's days passes; no expiry (0) never sends anyone.
    User.objects.filter(username="wgy").update(password_changed_at=timezone.now() - timedelta(days=89))
    assert personas.client("wgy").get(f"/areas/{HEJI_GRID1}/").status_code == 200


def test_no_expiry_by_default(personas):
    User.objects.filter(username="heji").update(password_changed_at=timezone.now() - timedelta(days=4000))
    assert personas.client("heji").get(f"/areas/{HEJI}/").status_code == 200


def test_the_policy_is_read_once_per_request(personas, security, django_assert_num_queries):
    """A page reads the policy row once, however many rules ask (idle timeout, expiry, …)."""
    edit(security, password_expiry_days=90)
    client = personas.client("heji")
    client.get(f"/areas/{HEJI}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/areas/{HEJI}/").status_code == 200
    reads = [q["sql"] for q in ctx.captured_queries if "accounts_securitypolicy" in q["sql"]]
    assert len(reads) == 1
