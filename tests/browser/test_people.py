"""A grid worker on a phone looks up a villager and calls them: list, search, detail, reveal."""

import pytest

from .test_walkthrough import sign_in

pytestmark = pytest.mark.browser


def test_grid_worker_finds_and_reveals_a_phone(demo_server, browser, shot):
    base = demo_server["url"]
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    sign_in(page, base, "wgy_heji")
    page.click("nav.mainnav >> text=实有人口")
    page.wait_for_selector("h1:has-text('实有人口')")
    rows = page.locator("#rows tbody tr")
    assert rows.count() > 0
    # Every ID on the list is masked.
    for cell in page.locator("#rows tbody tr td:nth-child(4)").all_inner_texts()[:10]:
        assert "*" in cell
    shot(page, "people-list-phone")

    name = rows.first.locator("a").first.inner_text()
    page.fill("input[name=q]", name[:2])
    page.wait_for_function(
        "name => [...document.querySelectorAll('#rows tbody tr a')].every(a => a.textContent.includes(name))",
        arg=name[:2],
    )
    links = page.locator("#rows tbody tr td:first-child a").all()
    hrefs = [link.get_attribute("href") for link in links[:8]]
    for href in hrefs:
        page.goto(f"{base}{href}")
        if page.locator("#reveal-phone details").count():
            break
    else:
        pytest.fail("no person with a phone among the first results")
    assert page.locator("#reveal-id_number details").count() == 0  # grid workers never see full IDs
    masked = page.locator("#reveal-phone .code").inner_text()
    assert "****" in masked
    page.locator("#reveal-phone summary").click()
    page.fill("#reveal-phone input[name=reason]", "上门走访前电话联系")
    page.click("#reveal-phone button[type=submit]")
    page.wait_for_selector(".revealed")
    full = page.locator(".revealed strong").inner_text()
    assert len(full) == 11 and full[:3] == masked[:3] and full[-4:] == masked[-4:]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "person-revealed-phone")
