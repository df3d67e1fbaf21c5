"""A real demo server for browser tests: `gongzhi migrate` + `seed_demo` + `runserver` in a subprocess.

It runs on the same engine as the test run (a temporary SQLite file, or a temporary
PostgreSQL database when DATABASE_URL is set), exactly as `make demo` builds it.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

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


def _pg(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    chromium_or_skip()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(GONGZHI_DEMO="1", GONGZHI_DATA_DIR=str(tmp_path_factory.mktemp("demo")))
    pg_url = os.environ.get("DATABASE_URL")
    if pg_url:
        name = f"gongzhi_e2e_{uuid.uuid4().hex[:8]}"
        _pg(pg_url, f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = urlunsplit(urlsplit(pg_url)._replace(path=f"/{name}"))
    gongzhi = [sys.executable, "-m", "gongzhi"]
    subprocess.run([*gongzhi, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    # 3,000 people keep the browser run quick; `make demo` seeds the full 20,000.
    seeded = subprocess.run(
        [*gongzhi, "seed_demo", "--persons", "3000"], env=env, check=True, capture_output=True, text=True
    )
    port = _free_port()
    server = subprocess.Popen(
        [*gongzhi, "runserver", f"127.0.0.1:{port}", "--noreload"],
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
        yield {"url": f"http://127.0.0.1:{port}", "seed_output": seeded.stdout}
    finally:
        server.terminate()
        server.wait(timeout=10)
        if pg_url:
            _pg(pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
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
