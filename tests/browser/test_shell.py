"""The app shell in a real browser (issue 14): the sidebar (a drawer on a phone, collapsible to
icons on a desktop and remembered), quick-create, and the global search with its keyboard."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import open_menu, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def quick_create_customer(page: Page, name: str, mobile: str = "") -> None:
    page.locator("[data-testid=quick-create]").click()
    page.locator("[data-create=create_customer]").click()
    page.locator("#id_name").fill(name)
    if mobile:
        page.locator("#id_contact_name").fill(name[:2] + "经理")
        page.locator("#id_contact_mobile").fill(mobile)
    page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page.locator("[data-testid=customer-title]")).to_have_text(name)


def test_sidebar_collapses_and_remembers_then_is_a_drawer_on_a_phone(page: Page, live_site, screenshots):
    base = sign_up(page, live_site, "Wang Lei", company="Shell Test")
    sidebar = page.locator("#sidebar")
    expect(sidebar.locator("[data-menu-group=customers]")).to_be_visible()
    expect(page.locator("[data-testid=menu-button]")).to_be_hidden()  # no hamburger on a desktop
    open_menu(page, "contacts")
    expect(page).to_have_url(base + "/customers/contacts/")
    expect(sidebar.locator("[data-menu=contacts]")).to_have_class(re.compile(r"\bactive\b"))

    # Collapse to icons: labels hide, the choice survives a reload, a group flies out on hover.
    page.locator("[data-testid=sidebar-collapse]").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bsidebar-collapsed\b"))
    expect(sidebar.locator("[data-menu=tasks]")).to_be_hidden()
    assert sidebar.bounding_box()["width"] < 80
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\bsidebar-collapsed\b"))
    page.screenshot(path=str(screenshots / "shell_collapsed.png"))
    open_menu(page, "tasks")  # hovers the group's icon, then clicks the fly-out entry
    expect(page).to_have_url(base + "/activities/tasks/")
    page.locator("[data-testid=sidebar-collapse]").click()
    expect(sidebar.locator("[data-menu=tasks]")).to_be_visible()

    # A phone: the sidebar is off-canvas behind the hamburger button; nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(sidebar.locator("[data-menu=tasks]")).to_be_hidden()
    assert no_horizontal_scroll(page)
    page.locator("[data-testid=menu-button]").click()
    expect(sidebar.locator("[data-menu=calendar]")).to_be_visible()
    page.screenshot(path=str(screenshots / "shell_drawer_390.png"))
    sidebar.locator("[data-menu=calendar]").click()
    expect(page).to_have_url(base + "/activities/calendar/")
    expect(sidebar.locator("[data-menu=calendar]")).to_be_hidden()  # the drawer closed with the page


def test_global_search_suggests_by_pinyin_with_the_keyboard_and_enter_opens_the_results(page: Page, live_site, screenshots):
    base = sign_up(page, live_site, "Wang Lei", company="Search Test")
    quick_create_customer(page, "北京华兴科技有限公司", mobile="13905710000")
    first_url = page.url
    quick_create_customer(page, "北京华远贸易有限公司")

    # "/" focuses the search box from anywhere but a field.
    page.goto(base + "/workbench/")
    page.keyboard.press("/")
    box = page.locator("[data-testid=global-search]")
    expect(box).to_be_focused()
    box.press_sequentially("bjhx")
    results = page.locator("[data-testid=global-search-results]")
    expect(results).to_be_visible()
    expect(results.locator("[data-search-group=customers] .search-hit-title")).to_have_text(["北京华兴科技有限公司"])
    page.screenshot(path=str(screenshots / "global_search.png"))
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"search-hit-0"))
    box.press("Enter")
    expect(page).to_have_url(first_url)

    # By mobile number: the contact and its customer.
    box.fill("13905710000")
    expect(results.locator("[data-search-group=contacts]")).to_contain_text("北京华兴科技有限公司")
    box.press("Escape")
    expect(results).to_be_hidden()

    # Enter without choosing: the results page, with both customers.
    box.fill("北京华")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(base + "/search/?q=")))
    expect(page.locator("main [data-search-group=customers] [data-search-hit]")).to_have_count(2)

    # Typing "/" in a field types it.
    page.goto(base + "/customers/new/")
    page.locator("#id_name").fill("")
    page.locator("#id_name").press_sequentially("A/B")
    expect(page.locator("#id_name")).to_have_value("A/B")
    expect(box).not_to_be_focused()
