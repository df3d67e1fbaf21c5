"""账号管理: the 系统管理员 lists, creates, disables, re-enables accounts, grants and revokes roles,
resets passwords and second factors — inside their jurisdiction only, every step audited."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.models import ApiToken, LoginThrottle, RoleGrant, TotpDevice, User
from gongzhi.accounts.services import token_issue
from gongzhi.audit.models import AuditEvent

from ..conftest import COUNTY, GAOYANG, GUODIAN, HEJI, HEJI_GRID1, PASSWORD, enrol_totp, make_user

pytestmark = pytest.mark.django_db

CITY = "4208"


@pytest.fixture
def admin(personas):
    return make_user("sysadmin", "sysadmin", COUNTY, full_name="何伟")


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin)
    return client


def test_list_shows_accounts_in_jurisdiction_with_sign_in_and_lock_state(admin_client, personas):
    make_user("jingmen", "city_staff", CITY)  # above the county: not in the county admin's reach
    User.objects.filter(username="heji").update(last_login=timezone.now() - timedelta(days=3))
    LoginThrottle.objects.create(username="wgy", failures=2)
    LoginThrottle.objects.create(
        username="gaoyang", failures=0, locked_until=timezone.now() + timedelta(minutes=9)
    )
    page = admin_client.get("/manage/users/").content.decode()
    assert "heji" in page and "wgy" in page and "auditor" in page
    assert "jingmen" not in page
    card = page[page.index('data-username="wgy"') :]
    assert "失败次数：2" in card[: card.index("</li>")]
    card = page[page.index('data-username="gaoyang"') :]
    assert "已锁定至" in card[: card.index("</li>")]
    card = page[page.index('data-username="resident"') :]
    assert "从未登录" in card[: card.index("</li>")]


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ({"q": "王建"}, ["wgy"], ["heji", "gaoyang"]),
        ({"q": "gaoy"}, ["gaoyang"], ["wgy"]),
        ({"role": "grid_worker"}, ["wgy"], ["heji", "gaoyang"]),
        ({"area": HEJI}, ["wgy", "heji", "resident"], ["gaoyang", "guodian"]),
    ],
)
def test_search_by_name_role_and_area(admin_client, query, shown, hidden):
    page = admin_client.get("/manage/users/", query).content.decode()
    for name in shown:
        assert f'data-username="{name}"' in page
    for name in hidden:
        assert f'data-username="{name}"' not in page


def test_pages_do_not_exist_for_other_roles(personas):
    for name in ("county", "auditor", "heji"):
        client = personas.client(name)
        assert client.get("/manage/users/").status_code == 404
        # The auditor's write is refused before the page is even looked up (403).
        assert client.post(f"/manage/users/{personas.wgy.pk}/disable/", {"reason": "x"}).status_code in (
            403,
            404,
        )
    assert User.objects.get(username="wgy").is_active


def test_create_account_shows_a_temporary_password_once(admin_client):
    response = admin_client.post(
        "/manage/users/new/",
        {"username": "zhaoliu", "full_name": "赵六", "role": "grid_worker", "area": HEJI_GRID1},
    )
    assert response.status_code == 200
    raw = re.search(r'class="code temp-password"[^>]*>([^<]+)<', response.content.decode()).group(1)
    user = User.objects.get(username="zhaoliu")
    assert user.full_name == "赵六" and user.check_password(raw) and user.must_change_password
    assert RoleGrant.objects.filter(user=user, role="grid_worker", area_id=HEJI_GRID1).exists()
    assert AuditEvent.objects.filter(
        action="accounts.create", object_id=str(user.pk), actor_username="sysadmin"
    ).exists()
    # The password is in that one response only: not in the audit trail, not on the account page.
    assert not AuditEvent.objects.filter(details__icontains=raw).exists()
    assert raw not in admin_client.get(f"/manage/users/{user.pk}/").content.decode()

    # The new user signs in and is kept on the change-password page until they change it.
    client = Client()
    client.post("/login/", {"username": "zhaoliu", "password": raw})
    response = client.get(f"/areas/{HEJI_GRID1}/")
    assert response.status_code == 302 and response["Location"] == "/account/password/"
    assert "您的密码已由系统管理员重置" in client.get("/account/password/").content.decode()
    new = "Wang#Grid2031x"
    client.post("/account/password/", {"old_password": raw, "new_password": new, "new_password2": new})
    assert client.get(f"/areas/{HEJI_GRID1}/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


@pytest.mark.parametrize(
    "data, message",
    [
        ({"username": "heji", "full_name": "重名", "role": "grid_worker", "area": HEJI_GRID1}, "已被使用"),
        ({"username": "x1", "full_name": "", "role": "grid_worker", "area": HEJI_GRID1}, "请填写姓名"),
        ({"username": "x2", "full_name": "某", "role": "city_staff", "area": CITY}, "不在您的管理范围内"),
        ({"username": "x3", "full_name": "某", "role": "town_staff", "area": HEJI}, "只能授予在镇(街道)一级"),
        ({"username": "x4", "full_name": "某", "role": "emperor", "area": HEJI}, "未知角色"),
    ],
)
def test_create_refusals_name_the_problem(admin_client, data, message):
    response = admin_client.post("/manage/users/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username__in=["x1", "x2", "x3", "x4"]).exists()


def test_disable_revokes_tokens_and_ends_sessions_then_enable(admin_client, personas):
    _, raw = token_issue(user=personas.heji)
    heji = personas.client("heji")
    assert heji.get("/").status_code == 200
    # A reason is required.
    admin_client.post(f"/manage/users/{personas.heji.pk}/disable/", {"reason": ""})
    assert User.objects.get(username="heji").is_active
    response = admin_client.post(
        f"/manage/users/{personas.heji.pk}/disable/", {"reason": "调离岗位"}, follow=True
    )
    assert "账号已停用" in response.content.decode()
    assert not User.objects.get(username="heji").is_active
    assert ApiToken.objects.get(user=personas.heji).revoked_at is not None
    assert heji.get("/").status_code == 302  # the session is gone
    assert Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    event = AuditEvent.objects.get(action="accounts.disable", object_id=str(personas.heji.pk))
    assert (
        event.details["reason"] == "调离岗位"
        and event.details["tokens"] == 1
        and event.details["sessions"] == 1
    )
    assert Client().post("/login/", {"username": "heji", "password": PASSWORD}).status_code == 200

    admin_client.post(f"/manage/users/{personas.heji.pk}/enable/", {"reason": "返岗"})
    assert User.objects.get(username="heji").is_active
    assert AuditEvent.objects.filter(action="accounts.enable", details__reason="返岗").exists()
    assert Client().post("/login/", {"username": "heji", "password": PASSWORD}).status_code == 302


def test_admin_cannot_disable_themselves(admin_client, admin):
    response = admin_client.post(f"/manage/users/{admin.pk}/disable/", {"reason": "试试"}, follow=True)
    assert "不能停用自己的账号" in response.content.decode()
    assert User.objects.get(pk=admin.pk).is_active


def test_account_out_of_reach_is_a_404(admin_client):
    outsider = make_user("jingmen", "city_staff", CITY)
    assert admin_client.get(f"/manage/users/{outsider.pk}/").status_code == 404
    assert admin_client.post(f"/manage/users/{outsider.pk}/disable/", {"reason": "x"}).status_code == 404
    assert admin_client.post(f"/manage/users/{outsider.pk}/password/").status_code == 404
    assert User.objects.get(pk=outsider.pk).is_active


def test_grant_and_revoke_within_jurisdiction(admin_client, personas):
    wgy = personas.wgy
    response = admin_client.post(
        f"/manage/users/{wgy.pk}/grant/", {"role": "mediator", "area": GAOYANG}, follow=True
    )
    assert "已授予调解员" in response.content.decode()
    grant = RoleGrant.objects.get(user=wgy, role="mediator", area_id=GAOYANG)
    assert AuditEvent.objects.filter(
        action="accounts.grant", actor_username="sysadmin", area_code=GAOYANG
    ).exists()
    # Outside the county: refused in Chinese, nothing granted.
    response = admin_client.post(
        f"/manage/users/{wgy.pk}/grant/", {"role": "city_staff", "area": CITY}, follow=True
    )
    assert "不在您的管理范围内" in response.content.decode()
    assert not RoleGrant.objects.filter(user=wgy, area_id=CITY).exists()
    admin_client.post(f"/manage/users/{wgy.pk}/revoke/{grant.pk}/")
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(
        action="accounts.revoke", object_id="wgy", details__role="mediator"
    ).exists()


@pytest.mark.parametrize("role", ["sysadmin", "auditor", "security_admin"])
def test_admin_may_not_grant_the_three_roles_to_themselves(admin_client, admin, role):
    response = admin_client.post(
        f"/manage/users/{admin.pk}/grant/", {"role": role, "area": GUODIAN[:6]}, follow=True
    )
    page = response.content.decode()
    assert "不能给自己授予" in page or "三员分立" in page
    assert RoleGrant.objects.filter(user=admin).count() == 1


def test_admin_cannot_revoke_their_own_sysadmin_role(admin_client, admin):
    grant = RoleGrant.objects.get(user=admin, role="sysadmin")
    response = admin_client.post(f"/manage/users/{admin.pk}/revoke/{grant.pk}/", follow=True)
    assert "不能撤销自己的系统管理员角色" in response.content.decode()
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_password_reset_forces_a_change_and_clears_the_lock(admin_client, personas):
    heji = personas.client("heji")
    assert heji.get("/").status_code == 200
    LoginThrottle.objects.create(
        username="heji", failures=3, locked_until=timezone.now() + timedelta(minutes=5)
    )
    response = admin_client.post(f"/manage/users/{personas.heji.pk}/password/")
    raw = re.search(r'class="code temp-password"[^>]*>([^<]+)<', response.content.decode()).group(1)
    assert "只显示这一次" in response.content.decode()
    user = User.objects.get(username="heji")
    assert user.check_password(raw) and user.must_change_password
    # The old session ends (the password hash changed) and the old password no longer works.
    assert heji.get("/").status_code == 302
    assert not user.check_password(PASSWORD)
    assert LoginThrottle.objects.get(username="heji").locked_until is None
    assert AuditEvent.objects.filter(action="accounts.password_reset", object_id=str(user.pk)).exists()
    # The API, too, refuses until the password is changed.
    client = Client()
    token = client.post(
        "/api/v1/auth/token", {"username": "heji", "password": raw}, content_type="application/json"
    ).json()["token"]
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "password_change_required"
    assert "请先修改密码" in response.json()["error"]["message"]


def test_mfa_reset_needs_a_reason_and_is_audited(admin_client, personas):
    enrol_totp(personas.county)
    admin_client.post(f"/manage/users/{personas.county.pk}/mfa/", {"reason": ""})
    assert TotpDevice.objects.filter(user=personas.county).exists()
    response = admin_client.post(
        f"/manage/users/{personas.county.pk}/mfa/", {"reason": "手机丢失"}, follow=True
    )
    assert "动态口令已重置" in response.content.decode()
    assert not TotpDevice.objects.filter(user=personas.county).exists()
    assert AuditEvent.objects.filter(
        action="auth.mfa_reset", object_id="county", details__reason="手机丢失"
    ).exists()


def test_pages_render_with_card_layout(admin_client, personas):
    """The list is cards (one column under 640 px by the base styles), the detail a facts grid."""
    page = admin_client.get("/manage/users/").content.decode()
    assert 'class="grid-cards account-cards"' in page and 'name="viewport"' in page
    detail = admin_client.get(f"/manage/users/{personas.wgy.pk}/").content.decode()
    assert "停用账号" in detail and "重置密码" in detail and "授予角色" in detail
    assert "账号管理" in detail  # the navigation entry from the registry
    assert admin_client.get("/manage/users/new/").status_code == 200
