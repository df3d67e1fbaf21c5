"""Sign in and browse the real 沙洋县 tree in Chromium, at phone and desktop widths."""

import pytest

from gongzhi.demo import data

pytestmark = pytest.mark.browser

WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}


def sign_in(page, base, username, password=data.PASSWORD):
    page.goto(f"{base}/")
    assert "/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


@pytest.mark.parametrize("device", WIDTHS)
def test_town_staff_browses_the_area_tree(demo_server, browser, shot, device):
    width, height = WIDTHS[device]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    base = demo_server["url"]

    sign_in(page, base, "gaoyang_staff")
    page.wait_for_selector("h1:has-text('工作台')")
    assert page.locator(".panel-area").first.inner_text() == "高阳镇"
    shot(page, f"home-{device}")

    page.click("nav.mainnav >> text=区划与网格")
    page.wait_for_selector("h1:has-text('高阳镇')")
    assert page.url.endswith(f"/areas/{data.GAOYANG}/")
    row = page.locator("table.children tr", has_text="贺集村")
    assert row.count() == 1
    assert row.locator("td.num").inner_text() == str(data.GRIDS_PER_VILLAGE)
    crumbs = page.locator("nav.crumbs").inner_text()
    assert "沙洋县" in crumbs and "荆门市" in crumbs
    shot(page, f"area-tree-{device}")

    # The filter swaps the children table through htmx, without a page load.
    page.fill("input[name=q]", "贺集")
    # A function, not an expression string: Playwright evaluates a string with eval, which the
    # page's Content-Security-Policy (script-src 'self') refuses.
    page.wait_for_function("() => document.querySelectorAll('table.children tbody tr').length === 1")
    row = page.locator("table.children tr", has_text="贺集村")
    row.locator("a").click()
    page.wait_for_selector("h1:has-text('贺集村')")
    assert page.locator("table.children tbody tr").count() == data.GRIDS_PER_VILLAGE
    # Nothing on the page is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"village-{device}")

    # A neighbouring town is out of this user's jurisdiction.
    response = page.goto(f"{base}/areas/{data.JISHAN}/")
    assert response.status == 404
    assert "不在您的管辖范围内" in page.content()
    context.close()


def test_wrong_password_then_lockout_message(demo_server, browser, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for _ in range(5):
        sign_in(page, demo_server["url"], "guodian_staff", "wrong-password")
    alert = page.locator(".alert").inner_text()
    assert "账号已锁定" in alert
    shot(page, "lockout-phone")
    context.close()


def test_auditor_reads_and_verifies_the_trail(demo_server, browser, shot):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, demo_server["url"], "auditor")
    # Auditors pass a second factor; the first time they enrol an authenticator (QR code).
    page.wait_for_selector("h1:has-text('绑定动态口令')")
    assert page.locator(".qr img").is_visible()
    shot(page, "mfa-enrol-desktop")
    page.fill("#id_code", page.locator("#demo-code").inner_text())
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('工作台')")
    page.click("nav.mainnav >> text=审计日志")
    page.click("button[name=verify]")
    assert "哈希链完好" in page.locator(".msg.success").inner_text()
    assert page.locator("table tbody tr").count() > 0
    shot(page, "audit-desktop")
    context.close()
