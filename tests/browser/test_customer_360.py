"""The customer 360° view in a real browser (issue 14): tabs switch without a reload and keep the
tab in the URL (reload and Back return to it), a heavy panel is fetched when its tab first opens,
at 390 px the page does not scroll sideways (the tab strip scrolls inside itself), and without
JavaScript the tabs are links that still work.

The company signs up through the public page, so the shared workspaces are never touched.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import TIMEOUT_MS, require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import new_customer, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_tabs_switch_keep_the_url_load_lazily_and_fit_a_phone(page: Page, live_site, screenshots):
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    base = sign_up(page, live_site, "Zhao Min", company="Panorama Test")
    pk = new_customer(page, base, "杭州全景网络科技有限公司", contact="欧阳娜娜")
    detail = f"{base}/customers/{pk}/"

    # A follow-up recorded in its tab lands back on that tab.
    page.goto(detail + "?tab=followups")
    form = page.locator("[data-testid=followup-form]")
    form.locator("#id_subject").fill("电话沟通需求")
    form.locator("[data-testid=save-followup]").click()
    expect(page).to_have_url(re.compile(r"\?tab=followups"))
    expect(page.locator("[data-panel=followups] [data-testid=followup-row]")).to_contain_text("电话沟通需求")

    # Opened plainly: the first tab shows, the follow-ups are not loaded yet.
    page.goto(detail)
    expect(page.locator("[data-testid=customer-summary]")).to_be_visible()
    expect(page.locator("[data-figure=contacts]")).to_have_text("1")
    expect(page.locator("[data-pane=basic]")).to_be_visible()
    expect(page.locator("[data-pane=followups]")).to_be_hidden()
    expect(page.locator("[data-panel=followups]")).to_have_attribute("data-panel-src", re.compile("/panels/followups/"))

    # Switching tabs: no reload, the URL says which tab, the panel is fetched and shown.
    page.evaluate("window.__samePage = true")
    page.locator("[data-tab=followups]").click()
    expect(page).to_have_url(re.compile(r"\?tab=followups$"))
    expect(page.locator("[data-pane=followups]")).to_be_visible()
    expect(page.locator("[data-pane=basic]")).to_be_hidden()
    expect(page.locator("[data-panel=followups]")).to_have_attribute("data-loaded", "1")
    expect(page.locator("[data-panel=followups] [data-testid=followup-row]")).to_contain_text("电话沟通需求")
    assert page.evaluate("window.__samePage === true")  # switched in place

    # The Boss's data log comes the same way.
    page.locator("[data-tab=log]").click()
    expect(page.locator("[data-panel=data_log] [data-testid=recent-changes]")).to_be_visible()
    page.screenshot(path=str(screenshots / "customer_360_tabs_1440.png"), full_page=True)

    # Back returns to the previous tab, reload keeps the one in the URL.
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?tab=followups$"))
    expect(page.locator("[data-pane=followups]")).to_be_visible()
    page.reload()
    expect(page.locator("[data-tab=followups]")).to_have_class(re.compile(r"\bactive\b"))
    expect(page.locator("[data-pane=followups]")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(detail)
    expect(page.locator("[data-pane=basic]")).to_be_visible()

    # Without JavaScript a tab is a link: the server renders that tab with its panels loaded.
    plain_context = page.context.browser.new_context(
        java_script_enabled=False, storage_state=page.context.storage_state(), locale="en-US")
    plain_context.set_default_timeout(TIMEOUT_MS)
    try:
        plain = plain_context.new_page()
        plain.goto(detail)
        plain.locator("[data-tab=followups]").click()
        expect(plain).to_have_url(re.compile(r"\?tab=followups$"))
        expect(plain.locator("[data-panel=followups] [data-testid=followup-row]")).to_contain_text("电话沟通需求")
    finally:
        plain_context.close()

    # A phone: the header stacks, the tab strip scrolls inside itself, the page never sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(detail)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    strip = page.locator(".customer-tabs")
    assert strip.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    page.screenshot(path=str(screenshots / "customer_360_390.png"), full_page=True)
    for tab in ("contacts", "followups", "tasks", "attachments", "log"):
        page.locator(f"[data-tab={tab}]").click()
        expect(page.locator(f"[data-pane={tab}]")).to_be_visible()
        expect(page.locator(f"[data-pane={tab}] [data-panel-loading]")).to_have_count(0)  # every panel loaded
        assert page.evaluate(NO_SIDEWAYS_SCROLL), tab
    page.screenshot(path=str(screenshots / "customer_360_390_log.png"), full_page=True)
    expect(page.locator("[data-pane=contacts] [data-testid=contact-row]")).to_contain_text("欧阳娜娜")
    assert script_errors == []
