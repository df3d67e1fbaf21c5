"""账号管理 on a phone: the 系统管理员 grants a role and disables an account at 390 px."""

import pytest

from gongzhi.demo import data

from .test_walkthrough import sign_in

pytestmark = pytest.mark.browser


def test_sysadmin_grants_a_role_and_disables_an_account_on_a_phone(demo_server, browser, shot):
    width = 390
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN")
    page = context.new_page()
    base = demo_server["url"]
    sign_in(page, base, "sysadmin")
    # 系统管理员 passes a second factor; the demo shows the code on the page.
    page.wait_for_selector("#demo-code")
    page.fill("#id_code", page.locator("#demo-code").inner_text())
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('工作台')")

    page.click("nav.mainnav >> text=账号管理")
    page.wait_for_selector("h1:has-text('账号管理')")
    page.fill("input[name=q]", "张丽")
    page.click("form.filters button[type=submit]")
    card = page.locator(".account-card", has_text="wgy_heji2")
    assert card.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "accounts-list-phone")
    card.locator("a.panel-area").click()
    page.wait_for_selector("h1:has-text('张丽')")

    # Grant 调解员 in 贺集村.
    form = page.locator("form.grant-form")
    form.locator("select[name=role]").select_option("mediator")
    form.locator("input[name=area]").fill(data.HEJI)
    form.locator("button[type=submit]").click()
    assert "已授予调解员" in page.locator(".msg.success").inner_text()
    assert page.locator(".grant-row", has_text="调解员").count() == 1
    # An area outside 沙洋县 is refused in Chinese.
    form = page.locator("form.grant-form")
    form.locator("select[name=role]").select_option("city_staff")
    form.locator("input[name=area]").fill("4208")
    form.locator("button[type=submit]").click()
    assert "不在您的管理范围内" in page.locator(".msg.error").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "account-detail-phone")

    # Disable with a reason: the account shows 已停用 and can no longer sign in.
    page.fill("#id_reason_state", "调离岗位")
    page.click("button:has-text('停用账号')")
    assert "账号已停用" in page.locator(".msg.success").inner_text()
    assert page.locator(".badge", has_text="已停用").count() == 1
    shot(page, "account-disabled-phone")
    context.close()

    other = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN")
    page = other.new_page()
    sign_in(page, base, "wgy_heji2")
    assert "用户名或密码错误" in page.locator(".alert").inner_text()
    other.close()
