"""The pages work under the Content-Security-Policy: nothing is refused on the pages with maps,
charts, forms and htmx, nor on the API's Swagger UI; the geolocation button (moved out of an
inline script) still fills the position."""

import pytest

from gongzhi.demo import data

from .test_walkthrough import sign_in

pytestmark = pytest.mark.browser

# Recorded in the page before any of its own scripts run (an init script is not subject to the CSP).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


def watched(browser, **options):
    context = browser.new_context(locale="zh-CN", **options)
    context.add_init_script(WATCH)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    return context, page, console


def refused(page, console) -> list[str]:
    blocked = [m for m in console if "Content Security Policy" in m or "Permissions-Policy" in m]
    return blocked + page.evaluate("window.__csp")


def test_staff_pages_report_no_violation(demo_server, browser):
    base = demo_server["url"]
    context, page, console = watched(browser, viewport={"width": 1280, "height": 800})
    page.goto(f"{base}/login/")
    assert refused(page, console) == []
    sign_in(page, base, "gaoyang_staff")
    page.wait_for_selector("h1:has-text('工作台')")
    for path, ready in (
        (f"/areas/{data.GAOYANG}/", "table.children"),
        ("/cases/map/", "#case-map.leaflet-container"),
        ("/cases/stats/", "#level-chart canvas"),
    ):
        page.goto(f"{base}{path}")
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        assert refused(page, console) == [], path
    # The Swagger UI loads its scripts from the site and renders the operations.
    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector("#swagger-ui .opblock")
    assert "共治 Gongzhi API" in page.locator("#swagger-ui .info").inner_text()
    assert refused(page, console) == []
    context.close()


def test_resident_report_page_locates_without_inline_script(demo_server, browser):
    base = demo_server["url"]
    context, page, console = watched(
        browser,
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 30.7082, "longitude": 112.3921},
        permissions=["geolocation"],
    )
    sign_in(page, base, "resident_heji")
    page.wait_for_selector("h1:has-text('工作台')")
    page.goto(f"{base}/my/report/")
    page.click("#locate")
    page.wait_for_selector("#locate-status:has-text('已定位')")
    assert page.input_value("#id_lat") == "30.708200" and page.input_value("#id_lng") == "112.392100"
    assert refused(page, console) == []
    context.close()
