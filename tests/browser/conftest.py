"""A real demo server for browser tests: `gongzhi migrate` + `seed_demo` + `runserver` in a subprocess.

It runs on the same engine as the test run (a temporary SQLite file, or a temporary
PostgreSQL database when DATABASE_URL is set), exactly as `make demo` builds it. With the test clock
set (GONGZHI_TEST_CLOCK, see tests/conftest.py) it is built and served on that clock too.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import clock_instant

CHROMIUM = os.environ.get("GONGZHI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    message = f"未找到系统 Chromium（{CHROMIUM}），浏览器测试未运行。安装：apt-get install chromium"
    if os.environ.get("GONGZHI_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The `gongzhi` command on a travelled clock: the child starts time-machine before Django loads, then
# runs the command as `gongzhi` would. The clock is set here, from test code; the product never reads
# a test variable.
_CLOCKED_MAIN = (
    "import sys\n"
    "from datetime import datetime\n"
    "import time_machine\n"
    "time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=True).start()\n"
    "sys.argv = ['gongzhi', *sys.argv[2:]]\n"
    "from gongzhi.__main__ import main\n"
    "main()\n"
)


class DemoClock:
    """The demo build starts at the test clock's instant and its clock then runs on through the
    migration, the seeding and the server, as for a demo built at that instant: each child starts
    where the previous one left off (an instant plus the real time elapsed since the build began)."""

    def __init__(self, instant: datetime | None):
        self.instant = instant
        self.began = time.monotonic()

    def now(self) -> datetime | None:
        if self.instant is None:
            return None
        return self.instant + timedelta(seconds=time.monotonic() - self.began)

    def command(self, *args: str) -> list[str]:
        now = self.now()
        if now is None:
            return [sys.executable, "-m", "gongzhi", *args]
        return [sys.executable, "-c", _CLOCKED_MAIN, now.isoformat(), *args]


def _assert_served_on_the_clock(url: str, clock: DemoClock) -> None:
    """The server's Date header proves it runs on the travelled clock, not the machine's."""
    if clock.instant is None:
        return
    with urllib.request.urlopen(f"{url}/login/", timeout=10) as response:
        served = parsedate_to_datetime(response.headers["Date"])
    assert clock.instant - timedelta(seconds=1) <= served <= clock.now() + timedelta(seconds=1), (
        f"演示服务器的时钟 {served} 不在测试时钟 {clock.instant} 之后"
    )


def _pg(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


# Package scope: the server and the browser stop once the browser tests are done, not at the end
# of the session. Between two calls, Playwright's sync API leaves its event loop marked as running
# in this thread, and Django refuses database calls while a loop runs; the tests that come after
# on the same process (under xdist the browser tests come first) need it closed.
@pytest.fixture(scope="package")
def demo_server(tmp_path_factory):
    chromium_or_skip()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(GONGZHI_DEMO="1", GONGZHI_DATA_DIR=str(tmp_path_factory.mktemp("demo")))
    pg_url = os.environ.get("DATABASE_URL")
    if pg_url:
        name = f"gongzhi_e2e_{uuid.uuid4().hex[:8]}"
        _pg(pg_url, f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = urlunsplit(urlsplit(pg_url)._replace(path=f"/{name}"))
    clock = DemoClock(clock_instant())
    subprocess.run(clock.command("migrate", "--noinput", "-v", "0"), env=env, check=True)
    # 3,000 people keep the browser run quick; `make demo` seeds the full 20,000.
    seeded = subprocess.run(
        clock.command("seed_demo", "--persons", "3000"), env=env, check=True, capture_output=True, text=True
    )
    port = _free_port()
    server = subprocess.Popen(
        clock.command("runserver", f"127.0.0.1:{port}", "--noreload"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("演示服务器未能启动") from None
                time.sleep(0.2)
        _assert_served_on_the_clock(f"http://127.0.0.1:{port}", clock)
        yield {"url": f"http://127.0.0.1:{port}", "seed_output": seeded.stdout}
    finally:
        server.terminate()
        server.wait(timeout=10)
        if pg_url:
            _pg(pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def shot():
    """Save a screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
