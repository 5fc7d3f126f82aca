"""In real Chromium: the region picker (省/市/区, searched by pinyin) on the customer form and the
searchable time-zone select on personal settings (issue 14), on a desktop and at 390 px, with
nothing refused by the Content-Security-Policy."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_browser_stack
from tests.browser.helpers import sign_up

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_csp import watch  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]


def pick(page: Page, field: str, typed: str, value: str) -> None:
    """Open a searchable select, type, and click the option ``value``."""
    open_select(page, field)
    page.keyboard.type(typed)
    option = page.locator(f"#id_{field}-ts-dropdown [data-value='{value}']")
    expect(option).to_be_visible()
    option.click()


def open_select(page: Page, field: str) -> None:
    # The control, not its input: a single select with a value keeps its input out of sight.
    page.locator(f".ts-control:has(#id_{field}-ts-control)").click()
    expect(page.locator(f"#id_{field}-ts-dropdown")).to_be_visible()


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_region_picker_and_time_zone_search(page: Page, live_site, screenshots):
    refused = watch(page)
    base = sign_up(page, live_site, "Region Boss", company="Region Test")

    page.goto(base + "/customers/new/")
    expect(page.locator("#customer-form[data-regions-ready]")).to_have_count(1)
    page.locator("#id_name").fill("南京远景科技有限公司")
    open_select(page, "province")
    page.keyboard.type("js")  # pinyin initials: 江苏省, not 江西省 (jxs)
    expect(page.locator("#id_province-ts-dropdown [data-value='江西省']")).to_have_count(0)
    page.locator("#id_province-ts-dropdown [data-value='江苏省']").click()
    open_select(page, "city")
    expect(page.locator("#id_city-ts-dropdown [data-value='杭州市']")).to_have_count(0)  # 江苏's cities only
    page.keyboard.press("Escape")
    pick(page, "city", "nanjing", "南京市")
    pick(page, "district", "xw", "玄武区")
    page.screenshot(path=screenshots / "region-picker-1440.png", full_page=True)
    page.locator("[data-testid=save]").click()
    expect(page).to_have_url(re.compile(re.escape(base + "/customers/") + r"\d+/$"))
    edit_url = page.url + "edit/"
    page.goto(edit_url)
    expect(page.locator("#id_province")).to_have_value("江苏省")
    expect(page.locator("#id_city")).to_have_value("南京市")
    expect(page.locator("#id_district")).to_have_value("玄武区")

    # Another province empties the city and district, and a municipality's one city is chosen.
    pick(page, "province", "beijing", "北京市")
    expect(page.locator("#id_city")).to_have_value("北京市")
    expect(page.locator("#id_district")).to_have_value("")
    pick(page, "district", "haidian", "海淀区")
    page.locator("[data-testid=save]").click()
    page.goto(edit_url)
    expect(page.locator("#id_district")).to_have_value("海淀区")

    # At 390 px: the picker fits, nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/customers/new/")
    expect(page.locator("#customer-form[data-regions-ready]")).to_have_count(1)
    open_select(page, "province")
    page.keyboard.type("guangdong")
    expect(page.locator("#id_province-ts-dropdown [data-value='广东省']")).to_be_visible()
    assert no_sideways_scroll(page)
    page.screenshot(path=screenshots / "region-picker-390.png")

    # Time zones: common ones first, found by English, Chinese or pinyin words.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(base + "/accounts/settings/")
    open_select(page, "time_zone")
    first = page.locator("#id_time_zone-ts-dropdown .option").first  # the empty choice is the placeholder
    expect(first).to_have_attribute("data-value", "Asia/Shanghai")
    page.keyboard.press("Escape")
    pick(page, "time_zone", "tokyo", "Asia/Tokyo")
    page.locator("main form button[type=submit]").click()
    page.goto(base + "/accounts/settings/")
    expect(page.locator("#id_time_zone")).to_have_value("Asia/Tokyo")
    pick(page, "time_zone", "kolkata", "Asia/Kolkata")
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    page.screenshot(path=screenshots / "time-zone-390.png")
    assert refused == []
