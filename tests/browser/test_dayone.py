"""Issue 14's day-one defects in a real browser, as the Boss of a freshly signed-up company:

- the task form picks its customer by the list's search (pinyin initials, the phone as the
  product shows it) and its assignees by name or pinyin as chips, not by Ctrl-click;
- the live 撞单 warning reads whole in both languages (it showed `“%北京…” — owner: %刘洋`).
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import add_sales_user, pick, sign_up, switch_language  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

COMPANY = "北京华兴科技有限公司"
SELLER = ("zhangwei", "张伟", "Amber-Lantern-381")


def create_customer(page: Page, base: str) -> None:
    page.goto(base + "/customers/new/")
    page.locator("#id_name").fill(COMPANY)
    page.locator("#id_contact_name").fill("欧阳娜娜")
    page.locator("#id_contact_mobile").fill("139 0571 0000")
    page.locator("[data-testid=save]").click()
    expect(page).to_have_url(re.compile(re.escape(base + "/customers/") + r"\d+/$"))


def test_task_form_picks_the_customer_by_pinyin_or_phone_and_people_as_chips(page: Page, live_site, screenshots):
    base = sign_up(page, live_site, "Wang Lei", company="Picker Test")
    add_sales_user(page, base, *SELLER)
    create_customer(page, base)

    page.goto(base + "/activities/tasks/new/")
    customer_box = page.locator("#id_customer_search")
    expect(customer_box).to_be_visible()
    expect(page.locator("#id_customer")).to_have_class(re.compile(r"\bvisually-hidden\b"))
    # The phone as the product displays it finds the customer too.
    customer_box.fill("139 0571 0000")
    expect(page.locator("#id_customer ~ .picker [role=option]").first).to_contain_text(COMPANY)
    pick(page, "id_customer", "bjkj", COMPANY)  # initials of 北京 … 科技, like the customer list
    expect(customer_box).to_have_value(re.compile("^" + COMPANY))

    # Assignees: found by the pinyin of a Chinese name, shown as removable chips.
    pick(page, "id_assignees", "zw", "张伟")
    pick(page, "id_assignees", "wang", "Wang Lei")
    chips = page.locator("#id_assignees ~ .picker [data-chip]")
    expect(chips).to_have_count(2)
    chips.filter(has_text="Wang Lei").locator("button").click()
    expect(chips).to_have_count(1)
    page.screenshot(path=str(screenshots / "task_form_pickers.png"), full_page=True)

    page.locator("#id_title").fill("送样品")
    page.locator("#id_starts_at").fill("2026-12-08T09:00")
    page.locator("#id_ends_at").fill("2026-12-08T10:00")
    page.locator("[data-testid=save-task]").click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/activities/tasks/\d+/$"))
    expect(page.locator("main")).to_contain_text(COMPANY)
    expect(page.locator("main")).to_contain_text("张伟")


@pytest.mark.parametrize("language, owner_word, absent", [
    ("en", "owner: Wang Lei", "负责人"),
    ("zh-hans", "负责人：Wang Lei", "owner"),
])
def test_live_duplicate_warning_reads_whole(page: Page, live_site, language, owner_word, absent):
    base = sign_up(page, live_site, "Wang Lei", company="Duplicate Test")
    create_customer(page, base)
    if language != "en":
        switch_language(page, language)
    page.goto(base + "/customers/new/")
    page.locator("#id_name").fill(COMPANY)
    live = page.locator("[data-testid=live-duplicate]")
    expect(live).to_contain_text(COMPANY)
    expect(live).to_contain_text(owner_word)
    text = live.first.inner_text()
    assert "%" not in text and absent not in text, text


def test_the_smaller_labels_read_right_in_chinese(page: Page, live_site, screenshots):
    """The status quick filter 状态：潜在 (apart from the category 潜在客户), the calendar's 日 button,
    请选择 as a select's empty choice, and a pager whose size select is not empty."""
    base = sign_up(page, live_site, "Wang Lei", company="Labels Test")
    switch_language(page, "zh-hans")

    page.goto(base + "/customers/")
    expect(page.locator("[data-view=status-prospect]")).to_have_text("状态：潜在")
    expect(page.locator("[data-view=potential]")).to_have_text("潜在客户")
    page.goto(base + "/activities/calendar/")
    expect(page.locator("[data-calendar-view=day]")).to_have_text("日")
    page.goto(base + "/customers/new/")
    expect(page.locator("#id_contact_gender option[value='']")).to_have_text("请选择")
    assert "---------" not in page.content()
    page.goto(base + "/activities/notifications/")
    expect(page.locator("[data-testid=page-size] option")).to_have_text(["20", "50", "100"])
    page.screenshot(path=str(screenshots / "dayone_labels_zh.png"), full_page=True)
