"""The 积分制 on a phone, as the people who do each step would click it: a 贺集村 resident declares
a good deed → the grid worker approves it → the balance grows → the resident redeems in the
积分超市 → the village clerk hands the goods over against the pickup code the resident shows."""

import re

import pytest

from .test_walkthrough import sign_in

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True, "has_touch": True}
DEED = "帮邻居张大爷把倒伏的玉米秆扶起捆好，又清理了他家门前的排水沟。"


def phone(browser, base, username):
    page = browser.new_context(**PHONE).new_page()
    sign_in(page, base, username)
    page.wait_for_selector("h1:has-text('工作台')")
    return page


def balance(page, base) -> int:
    page.goto(f"{base}/points/my/")
    return int(page.locator("[data-testid=balance]").first.inner_text())


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_declare_approve_redeem_pick_up(demo_server, browser, shot):
    base = demo_server["url"]
    resident = phone(browser, base, "resident_heji")
    resident.click("nav.mainnav >> text=我的积分")
    before = balance(resident, base)
    shot(resident, "points-my-phone")
    no_sideways_scroll(resident)

    # 1. Declare: the first open category's first item that needs no photo.
    resident.goto(f"{base}/points/my/declare/")
    option = resident.locator("details[open] ul.pts-items li:not(:has(.badge)) input[name=item]").first
    label = option.locator("xpath=..").inner_text()
    points = int(re.search(r"\+(\d+)", label).group(1))
    option.check()
    resident.fill("textarea[name=text]", DEED)
    shot(resident, "points-declare-phone")
    no_sideways_scroll(resident)
    resident.click("button:text('提交申报')")
    resident.wait_for_selector(".msg.success")

    # 2. The grid worker of 贺集村第1网格 approves it from the review queue.
    worker = phone(browser, base, "wgy_heji")
    worker.goto(f"{base}/points/review/")
    row = worker.locator("tr", has_text=DEED[:20]).first
    row.locator("button:text('通过')").click()
    worker.wait_for_selector("tr:has-text('已通过')")
    shot(worker, "points-review-phone")

    # 3. The resident sees the award.
    assert balance(resident, base) == before + points

    # 4. Redeem the cheapest reward the resident can afford.
    resident.goto(f"{base}/points/shop/")
    shot(resident, "points-shop-phone")
    no_sideways_scroll(resident)
    resident.locator("form.reward-buy button:not([disabled]):text('兑换')").first.click()
    resident.wait_for_selector(".msg.success")
    resident.goto(f"{base}/points/shop/orders/")
    code = resident.locator(".pickup-code").first.inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    shot(resident, "points-order-phone")

    # 5. The village clerk types the code the resident shows and hands the goods over.
    clerk = phone(browser, base, "heji_staff")
    clerk.goto(f"{base}/points/shop/pickup/")
    clerk.fill("#id_code", code)
    clerk.click("button:text('查找兑换单')")
    clerk.locator("form.fulfil-form button:text('确认领取')").click()
    clerk.wait_for_selector(".msg.success")
    shot(clerk, "points-pickup-phone")

    resident.goto(f"{base}/points/shop/orders/")
    assert resident.locator(".card:has-text('已领取')").count() >= 1
    assert resident.locator(f".pickup-code:text-is('{code}')").count() == 0
