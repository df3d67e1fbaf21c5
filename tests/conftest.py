"""Shared fixtures: the real 沙洋县 tree in the test database, and the named personas.

Who may see what (design.md §4.9):
- wgy       grid worker of 贺集村第1网格 (420822110209001): that grid only.
- heji      staff of 贺集村 (420822110209): 贺集村 and its grids.
- gaoyang   staff of 高阳镇 (420822110): every village of 高阳镇, 贺集村 included.
- county    officer of 沙洋县 (420822): the whole county.
- resident  resident of 贺集村第1网格: their own grid's area only.
- guodian   staff of 郭店村 (420822103206, under 纪山镇): the outsider — sees nothing of 高阳镇.
- auditor   auditor of 沙洋县: reads the audit trail; nobody else can.

The test clock: set GONGZHI_TEST_CLOCK to an instant with its offset (for example
2027-01-01T00:00:30+08:00) and every test, the session's database set-up and the browser tests'
demo server start at that instant (see "The test clock" below).
"""

import os
from dataclasses import dataclass
from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.mfa import mfa_required
from gongzhi.accounts.models import TotpDevice, User
from gongzhi.accounts.services import department_create, user_grant_role
from gongzhi.areas.services import areas_import_national, areas_make_grids
from gongzhi.kernel import totp
from gongzhi.kernel.crypto import encrypt

COUNTY = "420822"
GAOYANG = "420822110"
HEJI = "420822110209"
HEJI_GRID1 = HEJI + "001"
JISHAN = "420822103"
GUODIAN = "420822103206"
PASSWORD = "Test@Pass2026"


# -- The test clock -------------------------------------------------------------------------------
# No test may depend on the wall clock unless it sets it. To prove it, the suite runs with the clock
# started at awkward instants (CI: a year/quarter/month boundary, and the last 30 seconds of a
# quarter), through time-machine:
# - Why time-machine rather than libfaketime: it patches the clock inside the Python process only,
#   is a pip package in the `test` extras, and each travel is undone at the end of its test.
#   libfaketime needs a Debian package and LD_PRELOAD, and would skew every child process too
#   (Chromium, the PostgreSQL client), while the PostgreSQL server would keep the real time.
# - Why tick=True: each test starts at the instant and the clock then runs, so durations stay
#   positive, timestamps taken one after another stay ordered (audit chain, timelines, "latest
#   first" lists) and windows such as the login lockout or a second factor's step still elapse.
#   A test that needs a still clock or another date travels again inside (decorator or the
#   `time_machine` fixture); the innermost travel wins.
# - Only Python's clock moves. Nothing in the code may take "now" from the database (Now(),
#   CURRENT_TIMESTAMP, DEFAULT now()); `auto_now` fields are filled in by Django, in Python.
CLOCK_ENV = "GONGZHI_TEST_CLOCK"


def clock_instant() -> datetime | None:
    """The instant GONGZHI_TEST_CLOCK asks for, or None when the tests run on the real clock."""
    value = os.environ.get(CLOCK_ENV, "").strip()
    if not value:
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        instant = None
    # An explicit offset, so the instant means the same on a machine in any time zone. A fixed
    # offset (not a zone name) also keeps time-machine from changing the process's TZ.
    if instant is None or instant.utcoffset() is None:
        raise pytest.UsageError(
            f"{CLOCK_ENV}={value!r}：请写带 UTC 偏移的时刻，例如 2027-01-01T00:00:30+08:00"
        )
    return instant


def pytest_configure(config):
    clock_instant()  # a malformed instant stops the run before any test


def pytest_report_header(config):
    instant = clock_instant()
    return f"test clock: every test starts at {instant.isoformat()}" if instant else None


@pytest.fixture(scope="session", autouse=True)
def _session_clock():
    """The session's database set-up starts at the instant too (the demo server: tests/browser)."""
    instant = clock_instant()
    if instant is None:
        yield None
        return
    with time_machine.travel(instant, tick=True):
        yield instant


@pytest.fixture(autouse=True)
def _test_clock(request, _session_clock):
    """Each test (with its fixtures) starts at the instant, after whatever ran before it."""
    # A test marked @pytest.mark.time_machine(...) has set its own clock, before this fixture.
    if _session_clock is None or request.node.get_closest_marker("time_machine"):
        yield
        return
    with time_machine.travel(_session_clock, tick=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Uploads of this run go to a fresh folder, never to var/media: a file left by an earlier run
    (or by the demo) must not stand in for one a test expects to be written. Checkpoints too: one
    written by the demo must not judge the test database."""
    from django.test import override_settings

    with override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"), CHECKPOINT_DIR=tmp_path_factory.mktemp("checkpoints")
    ):
        yield


# -- pytest-xdist ---------------------------------------------------------------------------------
# `make test` runs `-n auto`. The browser tests go to one worker, so a run builds one demo server, not
# one per worker, and they go first, so that the other workers share the rest meanwhile. (xdist's
# `--dist loadgroup` does the grouping by rewriting test ids, which pytest 9.2 no longer honours,
# pytest-dev/pytest-xdist#1386; and its scope schedulers key tests by id, so they would run only one
# of the schemathesis cases, which share one id under pytest 9.2. This keys them by position.)
BROWSER_TESTS = "tests/browser/"


@pytest.hookimpl(trylast=True)  # after pytest-django has put the tests in its order
def pytest_collection_modifyitems(config, items):
    if hasattr(config, "workerinput"):  # an xdist worker; every worker orders alike
        items.sort(key=lambda item: not item.nodeid.startswith(BROWSER_TESTS))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScheduling

    class BrowserTestsTogether(LoadScheduling):
        def _send_tests(self, node, num):
            # The first batch that holds a browser test takes all of them.
            browser = [i for i in self.pending if self.collection[i].startswith(BROWSER_TESTS)]
            if browser and not set(browser).isdisjoint(self.pending[:num]):
                others = [i for i in self.pending if i not in set(browser)]
                self.pending[:] = browser + others
                num = max(num, len(browser))
            super()._send_tests(node, num)

    return BrowserTestsTogether(config, log)


@pytest.fixture(scope="session")
def django_db_setup(_session_clock, django_db_setup, django_db_blocker):
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
