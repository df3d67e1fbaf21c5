"""Shared fixtures: the real 沙洋县 tree in the test database, and the named personas.

Who may see what (design.md §4.9):
- wgy       grid worker of 贺集村第1网格 (420822110209001): that grid only.
- heji      staff of 贺集村 (420822110209): 贺集村 and its grids.
- gaoyang   staff of 高阳镇 (420822110): every village of 高阳镇, 贺集村 included.
- county    officer of 沙洋县 (420822): the whole county.
- resident  resident of 贺集村第1网格: their own grid's area only.
- guodian   staff of 郭店村 (420822103206, under 纪山镇): the outsider — sees nothing of 高阳镇.
- auditor   auditor of 沙洋县: reads the audit trail; nobody else can.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.mfa import mfa_required
from gongzhi.accounts.models import TotpDevice, User
from gongzhi.accounts.services import department_create, user_grant_role
from gongzhi.areas.services import areas_import_national, areas_make_grids
from gongzhi.lib import totp
from gongzhi.lib.crypto import encrypt

COUNTY = "420822"
GAOYANG = "420822110"
HEJI = "420822110209"
HEJI_GRID1 = HEJI + "001"
JISHAN = "420822103"
GUODIAN = "420822103206"
PASSWORD = "Test@Pass2026"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Import the real national subtree of 沙洋县 once per run, with 2 grids per village."""
    with django_db_blocker.unblock():
        areas_import_national(code=COUNTY)
        areas_make_grids(code=COUNTY, per_village=2)
        areas_make_grids(code=HEJI, per_village=2, micro_per_grid=2)
        department_create(name="高阳镇司法所", kind="justice", area_code=GAOYANG)


@dataclass
class Personas:
    wgy: User
    heji: User
    gaoyang: User
    county: User
    resident: User
    guodian: User
    auditor: User

    def client(self, name: str) -> Client:
        """A browser session signed in as the persona."""
        client = Client()
        client.force_login(getattr(self, name))
        return client


def make_user(username: str, role: str, area: str, **kwargs) -> User:
    return user_grant_role(username=username, role=role, area_code=area, password=PASSWORD, **kwargs).user


def build_personas() -> Personas:
    """The named personas (the fixture below; module-scoped worlds call it directly)."""
    return Personas(
        wgy=make_user("wgy", "grid_worker", HEJI_GRID1, full_name="王建国"),
        heji=make_user("heji", "village_staff", HEJI),
        gaoyang=make_user("gaoyang", "town_staff", GAOYANG),
        county=make_user("county", "county_staff", COUNTY),
        resident=make_user("resident", "resident", HEJI_GRID1),
        guodian=make_user("guodian", "village_staff", GUODIAN),
        auditor=make_user("auditor", "auditor", COUNTY),
    )


@pytest.fixture
def personas(db) -> Personas:
    return build_personas()


def enrol_totp(user: User) -> str:
    """Give a user a confirmed authenticator (as if scanned and confirmed); returns the secret."""
    secret = totp.new_secret()
    TotpDevice.objects.update_or_create(
        user=user,
        defaults={"secret_encrypted": encrypt(secret), "confirmed_at": timezone.now(), "last_step": 0},
    )
    return secret


def api_token(client: Client, username: str, password: str = PASSWORD) -> str:
    """A bearer token, passing the second factor with a fresh authenticator when the role needs one."""
    payload = {"username": username, "password": password}
    user = User.objects.get(username=username)
    if mfa_required(user):
        payload["otp"] = totp.code_at(enrol_totp(user), totp.current_step())
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["token"]
