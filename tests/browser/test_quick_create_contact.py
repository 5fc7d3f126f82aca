"""Quick-create a contact (issue 14): the top bar's "+" offers 联系人; its form picks the customer
by the list's pinyin search and saves through the contact service, at 1440 px and at 390 px, in
zh-Hans."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import (  # noqa: E402
    english_texts,
    horizontal_overflow,
    new_customer,
    pick,
    sign_up,
    switch_language,
    zh,
)

pytestmark = [pytest.mark.browser, pytest.mark.live]

COMPANY = "北京华兴科技有限公司"
ALLOWED = {"CRM", "Ltd", "English", "QQ", "WeChat"}


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_a_contact_is_created_from_the_top_bar_with_the_customer_found_by_pinyin(
        page: Page, live_site, screenshots, width, height):
    base = sign_up(page, live_site, "王磊", company="联系人")
    switch_language(page, "zh-hans")
    new_customer(page, base, COMPANY)
    customer_url = page.url
    page.set_viewport_size({"width": width, "height": height})

    page.locator("[data-testid=quick-create]").click()
    entry = page.locator("[data-create=create_contact]")
    expect(entry).to_have_text(zh("Contact", "quick create"))  # 联系人
    entry.click()
    expect(page).to_have_url(base + "/customers/contacts/new/")
    expect(page.locator("#id_customer_search")).to_be_visible()
    pick(page, "id_customer", "bjhx", COMPANY)  # initials of 北京华兴
    page.locator("#id_name").fill("欧阳娜娜")
    page.locator("#id_mobile").fill("139 0571 0000")
    page.screenshot(path=str(screenshots / f"quick_create_contact_{width}.png"), full_page=True)
    assert horizontal_overflow(page) <= 0
    sub = base.split("//")[1].split(".")[0]
    assert english_texts(page, ALLOWED | {sub}) == []
    page.locator("[data-testid=save]").click()

    # Saved to that customer: its 360° view opens on the contacts tab.
    expect(page).to_have_url(re.compile(re.escape(customer_url) + r"\?tab=contacts"))
    expect(page.locator("[data-testid=customer-title]")).to_have_text(COMPANY)
    expect(page.locator("main")).to_contain_text("欧阳娜娜")
    expect(page.locator("main a[href='tel:13905710000']").first).to_be_visible()


def test_without_a_customer_the_form_says_so_on_the_field(page: Page, live_site):
    base = sign_up(page, live_site, "王磊", company="联系人校验")
    switch_language(page, "zh-hans")
    page.goto(base + "/customers/contacts/")
    page.locator("[data-testid=new-contact]").click()
    page.locator("#id_name").fill("周杰")
    page.locator("[data-testid=save]").click()
    expect(page.locator("[data-error-for=customer]")).to_have_text(zh("Choose the customer this contact works for."))
    expect(page.locator("#id_name")).to_have_value("周杰")
