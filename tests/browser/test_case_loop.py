"""The closed loop in Chromium at phone width, as the people who do each step would click it:
a resident reports → 贺集村 accepts → escalates to 高阳镇 → 高阳镇 accepts and assigns to 司法所 →
司法所 resolves → 高阳镇 verifies → the resident rates → the town's statistics move."""

import re

import pytest

from gongzhi.demo import data

from .test_walkthrough import sign_in

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True, "has_touch": True}


def act(page, label: str, note: str = "", **selects):
    """Open one action on the case page, fill it in and confirm."""
    block = page.locator("details", has=page.locator(f"summary:text-is('{label}')"))
    if not block.get_attribute("open") and block.get_attribute("open") != "":
        block.locator("summary").click()
    for name, value in selects.items():
        block.locator(f"select[name={name}]").select_option(label=value)
    if note:
        block.locator("textarea[name=note]").fill(note)
    block.locator("button[type=submit]").click()
    page.wait_for_selector(f".msg.success:has-text('已{label}')")


def received(page, base) -> int:
    page.goto(f"{base}/cases/stats/?area={data.GAOYANG}")
    return int(page.locator(".stats div:has(dt:text-is('受理量')) dd").inner_text())


def test_resident_to_rating_at_phone_width(demo_server, browser, shot):
    base = demo_server["url"]
    people = {}
    for who in ("resident_heji", "heji_staff", "gaoyang_staff", "sfs_gaoyang"):
        people[who] = browser.new_context(**PHONE).new_page()
        sign_in(people[who], base, who)
        people[who].wait_for_selector("h1:has-text('工作台')")
    town = people["gaoyang_staff"]
    before = received(town, base)

    resident = people["resident_heji"]
    resident.click("nav.mainnav >> text=我要说事")
    resident.select_option("#id_kind", label="矛盾纠纷")
    resident.select_option("#id_category", label="邻里")
    resident.fill("#id_description", "隔壁在我家田埂上堆放建筑垃圾，多次商量都不清走。")
    resident.fill("#id_address", "贺集村三组 8 号旁")
    shot(resident, "case-report-phone")
    resident.click("button:text('提交')")
    resident.wait_for_selector(".msg.success")
    number = re.search(r"420822-\d{4}-\d{6}", resident.locator(".msg.success").inner_text()).group(0)

    village = people["heji_staff"]
    village.goto(f"{base}/cases/?q={number}")
    village.click(f"text={number}")
    act(village, "受理", "已受理，先了解情况")
    act(village, "上报上级", "涉及高阳镇规划的建筑垃圾消纳点，需镇里协调")
    assert "待受理" in village.locator("header .badge").inner_text()

    town.goto(f"{base}/cases/?queue=pending&q={number}")
    town.click(f"text={number}")
    act(town, "受理")
    act(town, "派遣", "请司法所组织调解", assignee="高阳镇司法所")
    shot(town, "case-assigned-phone")

    justice = people["sfs_gaoyang"]
    justice.goto(f"{base}/cases/?queue=todo&q={number}")
    justice.click(f"text={number}")
    act(justice, "办结", "经调解，对方三日内清走垃圾并赔礼道歉")

    town.reload()
    act(town, "核查结案", "电话回访属实")

    resident.goto(f"{base}/my/cases/")
    resident.click(f"li:has-text('{number}') a")
    resident.wait_for_selector("h2:has-text('请评价办理结果')")
    resident.check("input[name=rating][value=satisfied]")
    resident.fill("textarea[name=comment]", "处理及时，谢谢")
    resident.click("button:text('提交评价')")
    resident.wait_for_selector(".msg.success:has-text('谢谢您的评价')")
    timeline = resident.locator(".timeline").inner_text()
    for step in ("上报/登记", "受理", "上报上级", "派遣", "办结", "核查结案", "评价"):
        assert step in timeline
    assert resident.evaluate("document.documentElement.scrollWidth") <= 390
    shot(resident, "case-rated-phone")

    assert received(town, base) == before + 1
    shot(town, "case-stats-phone")
