"""In a real browser, as the Boss of a freshly signed-up workspace: create customers (with the live
and the pre-save duplicate warnings, then "create anyway"), find them in the list by pinyin
initials and by category, and open the 360° view.

The company signs up through the public page, so the shared workspaces A and B are never
touched; ``live_site`` drops the new workspace afterwards. Assertions read stable things (URLs,
data attributes, the names typed here), not UI labels whose translations may change.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import open_menu, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

COMPANY = "北京华兴科技有限公司"


def submit(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()


def list_names(page: Page):
    return page.locator("[data-testid=customer-table] [data-testid=customer-name]")


def test_create_with_duplicate_warning_search_the_list_and_open_the_360_view(page: Page, live_site, screenshots):
    boss = "Wang Lei"
    base = sign_up(page, live_site, boss, company="Customer Test")
    detail_url = re.compile(re.escape(base + "/customers/") + r"\d+/$")

    # --- a first customer, quick-created with its first contact --------------------------------
    open_menu(page, "customer_new")
    expect(page).to_have_url(base + "/customers/new/")
    page.locator("#id_name").fill(COMPANY)
    page.locator("#id_phone").fill("010-6234 5678")
    page.locator("#id_industry").select_option(index=1)
    page.locator("#id_contact_name").fill("欧阳娜娜")
    page.locator("#id_contact_mobile").fill("139 0571 0000")
    expect(page.locator("[data-testid=live-duplicates]")).to_be_hidden()  # nothing like it yet
    submit(page)
    expect(page).to_have_url(detail_url)
    expect(page.locator("[data-testid=customer-title]")).to_have_text(COMPANY)
    first_url = page.url

    # --- the same name again: warned while typing, and again before saving ---------------------
    page.goto(base + "/customers/new/")
    page.locator("#id_name").fill(COMPANY)
    live = page.locator("[data-testid=live-duplicates]")
    expect(live).to_be_visible()
    expect(live.locator("[data-testid=live-duplicate]")).to_contain_text(COMPANY)
    expect(live).to_contain_text(boss)  # who owns it
    page.screenshot(path=str(screenshots / "customer_live_duplicate.png"), full_page=True)
    submit(page)
    expect(page).to_have_url(base + "/customers/new/")  # not saved
    warning = page.locator("[data-testid=duplicate-warning]")
    expect(warning).to_be_visible()
    expect(warning.locator("[data-testid=duplicate]")).to_contain_text(COMPANY)
    expect(warning.locator("[data-testid=duplicate]")).to_contain_text(boss)
    page.screenshot(path=str(screenshots / "customer_duplicate_warning.png"), full_page=True)
    page.locator("#id_confirm_duplicates").check()
    page.locator("[data-testid=save]").click()
    expect(page).to_have_url(detail_url)
    assert page.url != first_url

    # --- an individual customer --------------------------------------------------------------
    page.goto(base + "/customers/new/")
    page.locator("input[name=kind][value=individual]").check()
    page.locator("#id_name").fill("张三")
    submit(page)
    expect(page).to_have_url(detail_url)

    # --- the list: quick search by pinyin initials, then a category ----------------------------
    open_menu(page, "customers")
    expect(page).to_have_url(base + "/customers/")
    expect(list_names(page)).to_have_count(3)
    page.locator("#quick-q").fill("bjkj")
    page.locator("[data-testid=quick-search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"\?q=bjkj"))
    expect(list_names(page)).to_have_count(2)
    expect(list_names(page).first).to_have_text(COMPANY)
    page.screenshot(path=str(screenshots / "customer_list_search.png"), full_page=True)
    page.goto(base + "/customers/")
    page.locator("[data-testid=category-tabs] [data-view=individual]").click()
    expect(page).to_have_url(re.compile(r"\?view=individual$"))
    expect(list_names(page)).to_have_count(1)
    expect(list_names(page).first).to_have_text("张三")
    expect(page.locator("[data-testid=category-tabs] [data-view=individual]")).to_have_class(re.compile(r"\bactive\b"))
    page.locator("[data-testid=category-tabs] [data-view=enterprise]").click()
    expect(list_names(page)).to_have_count(2)
    # The advanced search form is drawn when opened (htmx), then searches with several fields.
    page.locator("[data-testid=advanced-toggle]").click()
    advanced = page.locator("[data-testid=advanced-search]")
    expect(advanced).to_be_visible()
    advanced.locator("#id_name").fill("huaxing")
    advanced.locator("#id_status").select_option("prospect")
    advanced.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"name=huaxing"))
    expect(list_names(page)).to_have_count(2)
    expect(page.locator("[data-testid=advanced-search]")).to_be_visible()  # kept open while in use
    page.goto(base + "/customers/?view=enterprise")
    page.screenshot(path=str(screenshots / "customer_list_category.png"), full_page=True)

    # The charts of that list (enterprise customers): drawn by the bundled ECharts, no CDN.
    page.locator("[data-testid=charts-link]").click()
    expect(page).to_have_url(re.compile(r"/customers/charts/\?view=enterprise$"))
    expect(page.locator("#charts")).to_have_attribute("data-loaded", "1")
    expect(page.locator("[data-chart=kind]")).to_have_attribute("data-values", '[["Enterprise",2]]')
    expect(page.locator("[data-chart=industry] canvas")).to_have_count(1)
    page.screenshot(path=str(screenshots / "customer_charts.png"), full_page=True)

    # --- the 360° view, opened from the list -----------------------------------------------------
    page.goto(base + "/customers/?q=5678")
    expect(list_names(page)).to_have_count(1)
    list_names(page).first.click()
    expect(page).to_have_url(first_url)
    view = page.locator("[data-testid=customer-360]")
    for panel in ("basic", "contacts", "hot", "children", "data_log"):
        expect(view.locator(f"[data-panel={panel}]")).to_have_count(1)
    expect(view.locator("[data-panel=contacts] [data-testid=contact-row]")).to_contain_text("欧阳娜娜")

    # Change the status there: it shows at once and lands in the data log.
    page.locator("[data-testid=classify-form] #id_status").select_option("signed")
    page.locator("[data-testid=classify-form] button[type=submit]").click()
    expect(page).to_have_url(first_url)
    expect(page.locator("[data-testid=basic-info] [data-field=status]")).not_to_have_text(re.compile("^\\s*$"))
    page.locator("[data-tab=log]").click()  # the data log is fetched when its tab opens
    expect(page.locator("[data-testid=recent-changes] tbody tr").first).to_contain_text("→")  # the newest: old → new
    page.screenshot(path=str(screenshots / "customer_360.png"), full_page=True)
