"""三员分立 (GB/T 22239-2019 level 3): the 系统管理员, 审计员 and 安全管理员 are three people;
the system and security administrators read neither personal data nor the audit trail; the
auditor reads the trail and changes nothing."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from gongzhi.accounts.models import RoleGrant, SecurityPolicy, User
from gongzhi.accounts.services import user_grant_role
from gongzhi.audit.models import AuditEvent
from gongzhi.cases.models import Case
from gongzhi.cases.services import case_submit
from gongzhi.kernel.errors import DomainError
from gongzhi.people.models import Person

from ..conftest import COUNTY, HEJI, HEJI_GRID1, PASSWORD, api_token, make_user
from ..people.factories import make_person

pytestmark = pytest.mark.django_db

PERSON = "欧阳秘密"
CASE_TEXT = "隔壁装修噪音扰民已持续两周"

# The main list pages and APIs of personal data, cases and the trail.
PAGES = [
    "/people/",
    "/people/households/",
    "/people/organizations/",
    "/people/export/people.xlsx",
    "/cases/",
    "/cases/box/",
    "/cases/map/points/",
    "/cases/mediation/workrooms/",
    "/points/accounts/",
    "/points/review/",
    "/points/civic/offences/",
    "/audit/",
]
APIS = [
    "/api/v1/people/",
    "/api/v1/households/",
    "/api/v1/organizations/",
    "/api/v1/cases/",
    "/api/v1/mediation/workrooms",
    "/api/v1/points/accounts",
    "/api/v1/points/civic/offences",
]


@pytest.fixture
def data(personas):
    make_person(personas.heji, HEJI_GRID1, name=PERSON)
    case_submit(
        actor=personas.resident,
        data={
            "kind": "dispute",
            "category": "neighbour",
            "description": CASE_TEXT,
            "area_code": HEJI_GRID1,
            "address": "贺集村三组",
            "urgency": "normal",
        },  # fmt: skip
    )
    assert Person.objects.filter(name=PERSON).exists() and Case.objects.exists()


def admin_client(username, role):
    client = Client()
    client.force_login(make_user(username, role, COUNTY))
    return client


def shows_nothing_personal(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    assert response.status_code == 200, (response.status_code, response.content[:200])
    body = (
        response.content.decode(errors="replace")
        if not response.get("Content-Type", "").startswith("application/vnd")
        else ""
    )
    if response.get("Content-Type", "").startswith("application/vnd"):
        # A workbook would carry rows; these roles must not get one at all.
        return False
    if response.get("Content-Type", "").startswith("application/json"):
        payload = response.json()
        items = payload.get("items", payload) if isinstance(payload, dict) else payload
        return not items and PERSON not in body and CASE_TEXT not in body
    return PERSON not in body and CASE_TEXT not in body and "贺集村三组" not in body


@pytest.mark.parametrize("role", ["sysadmin", "security_admin"])
def test_system_and_security_admins_read_no_personal_data_nor_the_trail(data, role):
    client = admin_client("admin1", role)
    for path in PAGES + APIS:
        response = client.get(path)
        assert shows_nothing_personal(response), f"{role} reads {path}"
    assert client.get("/audit/").status_code == 404
    assert not AuditEvent.objects.visible_to(User.objects.get(username="admin1")).exists()


def test_auditor_reads_the_trail_but_no_personal_data(data, personas):
    client = personas.client("auditor")
    assert client.get("/audit/").status_code == 200
    for path in PAGES[:-1] + APIS:
        assert shows_nothing_personal(client.get(path)), f"auditor reads {path}"


def test_auditor_changes_nothing(data, personas):
    client = personas.client("auditor")
    wgy = personas.wgy
    before = (
        Person.objects.count(),
        Case.objects.count(),
        RoleGrant.objects.count(),
        SecurityPolicy.objects.count(),
    )
    posts = [
        ("/people/new/", {"name": "新人", "id_number": "420822198001010011", "area_code": HEJI_GRID1}),
        ("/cases/new/", {"description": "审计员不应能登记事件", "area_code": HEJI}),
        (
            "/manage/users/new/",
            {"username": "aud_new", "full_name": "某", "role": "grid_worker", "area": HEJI_GRID1},
        ),
        (f"/manage/users/{wgy.pk}/disable/", {"reason": "x"}),
        (f"/manage/users/{wgy.pk}/grant/", {"role": "mediator", "area": HEJI}),
        (f"/manage/users/{wgy.pk}/password/", {}),
        ("/manage/policy/", {"password_min_length": 20}),
        ("/points/catalogue/items/new/", {"name": "x"}),
        ("/cases/mediation/workrooms/new/", {"title": "x"}),
    ]
    for path, body in posts:
        response = client.post(path, body)
        assert response.status_code in (400, 403, 404, 405), f"auditor POST {path}: {response.status_code}"
    for path, body in [("/api/v1/people/", {"name": "x"}), ("/api/v1/cases/", {"description": "x"})]:
        response = client.post(path, body, content_type="application/json")
        assert response.status_code in (400, 403, 404, 422), f"auditor POST {path}: {response.status_code}"
    after = (
        Person.objects.count(),
        Case.objects.count(),
        RoleGrant.objects.count(),
        SecurityPolicy.objects.count(),
    )
    assert before == after
    assert User.objects.get(pk=wgy.pk).is_active


@pytest.mark.parametrize(
    "first, second",
    [
        ("sysadmin", "auditor"),
        ("auditor", "security_admin"),
        ("security_admin", "sysadmin"),
        ("auditor", "sysadmin"),
    ],
)
def test_one_person_holds_one_of_the_three_roles(db, personas, first, second):
    user_grant_role(username="zhou", role=first, area_code=COUNTY)
    with pytest.raises(DomainError, match="三员分立"):
        user_grant_role(username="zhou", role=second, area_code=COUNTY)
    with pytest.raises(CommandError, match="须由不同的人担任"):
        call_command("grant", "zhou", second, "4208")
    assert list(RoleGrant.objects.filter(user__username="zhou").values_list("role", flat=True)) == [first]
    # The same role in a second area is fine, and so is a domain role (not one of the 三员).
    user_grant_role(username="zhou", role=first, area_code="4208")
    assert RoleGrant.objects.filter(user__username="zhou").count() == 2


def test_security_admin_cannot_reach_account_pages(data):
    client = admin_client("sec1", "security_admin")
    assert client.get("/manage/users/").status_code == 404
    assert (
        client.post(
            "/manage/users/new/",
            {"username": "x", "full_name": "x", "role": "grid_worker", "area": HEJI_GRID1},
        ).status_code
        == 404
    )
    assert not User.objects.filter(username="x").exists()


def test_auditor_writes_are_refused_before_any_app_rule(personas):
    """The guard does not rely on each app: a write every signed-in user may make (marking one's
    notices read) is refused too, with a Chinese message on the API; signing out, changing one's
    password and revoking one's own token still work."""
    client = personas.client("auditor")
    assert client.post("/notices/read-all/").status_code == 403
    token = api_token(Client(), "auditor")
    headers = {"Authorization": f"Bearer {token}"}
    response = Client().post(
        "/api/v1/cases/", {"description": "x"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 403 and "审计员只能查阅" in response.json()["error"]["message"]
    assert AuditEvent.objects.filter(action="auth.write_refused", actor_username="auditor").exists()
    assert Client().get("/api/v1/auth/me", headers=headers).status_code == 200
    assert Client().delete("/api/v1/auth/token", headers=headers).status_code == 204
    new = "Audit#Trail2031x"
    response = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password": new, "new_password2": new}
    )
    assert response.status_code == 302 and User.objects.get(username="auditor").check_password(new)
    assert client.post("/logout/").status_code == 302
