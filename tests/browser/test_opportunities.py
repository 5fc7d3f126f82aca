"""Opportunities in a real browser (issue 15): create one from the customer 360°, drag it across
the board to won (a lost column asks the reason in a dialog first), and drill down from the
funnel to the opportunities behind a figure, at 1440 and 390 px.

The company signs up through the public page, so the shared workspaces are never touched.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import new_customer, pick, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def drag(page: Page, card, column) -> None:
    """Drag ``card`` by its handle onto ``column`` with the mouse, in small steps as a hand would."""
    column.scroll_into_view_if_needed()
    handle = card.locator("[data-testid=drag-handle]")
    handle.scroll_into_view_if_needed()
    start = handle.bounding_box()
    target = column.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 40, steps=12)
    page.mouse.up()


def column(page: Page, label: str):
    return page.locator(f"[data-testid=kanban-column][data-label='{label}']")


def test_create_from_the_customer_drag_to_won_and_drill_down(page: Page, live_site, screenshots):
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.set_viewport_size({"width": 1440, "height": 900})
    base = sign_up(page, live_site, "Qian Duo", company="Pipeline Test")
    pk = new_customer(page, base, "苏州管道科技有限公司", contact="钱多多")

    # From the customer 360°: the Opportunities tab offers a new one for this customer.
    page.goto(f"{base}/customers/{pk}/?tab=opportunities")
    page.locator("[data-testid=add-opportunity]").click()
    form = page.locator("[data-testid=opportunity-form]")
    expect(page.locator("h1")).to_contain_text("苏州管道科技有限公司")
    form.locator("#id_subject").fill("苏州管道 CRM 项目")
    form.locator("#id_type").select_option(label="New business")
    form.locator("#id_expected_amount").fill("88000.555")
    form.locator("[data-testid=save-opportunity]").click()
    expect(form.locator("[data-error-for=expected_amount]")).to_contain_text("At most 2 decimal places")
    form.locator("#id_expected_amount").fill("88000.50")
    form.locator("[data-testid=save-opportunity]").click()
    expect(page).to_have_url(re.compile(rf"/customers/{pk}/\?tab=opportunities"))
    expect(page.locator("[data-testid=customer-opportunity]")).to_contain_text("苏州管道 CRM 项目")

    # The board: drag it to "Proposal and quote", then to "Lost" (the dialog asks why), then to "Won".
    page.goto(f"{base}/opportunities/board/")
    card = page.locator("[data-testid=kanban-card]").filter(has_text="苏州管道 CRM 项目")
    expect(column(page, "Initial contact").locator("[data-testid=kanban-card]")).to_have_count(1)
    drag(page, card, column(page, "Proposal and quote"))
    expect(column(page, "Proposal and quote").locator("[data-testid=kanban-card]")).to_have_count(1)
    expect(column(page, "Proposal and quote").locator("[data-testid=column-count]")).to_have_text("1")
    drag(page, card, column(page, "Lost"))
    dialog = page.locator("[data-testid=lost-dialog]")
    expect(dialog).to_be_visible()
    dialog.locator("[data-testid=lost-ok]").click()  # no reason yet: the browser asks for it, nothing moves
    expect(dialog).to_be_visible()
    dialog.locator("#lost-reason").select_option(label="Price too high")
    dialog.locator("[data-testid=lost-ok]").click()
    expect(dialog).to_be_hidden()
    expect(column(page, "Lost").locator("[data-testid=kanban-card]")).to_have_count(1)
    drag(page, card, column(page, "Won"))
    expect(column(page, "Won").locator("[data-testid=kanban-card]")).to_have_count(1)
    page.screenshot(path=str(screenshots / "opportunity-board-1440.png"), full_page=True)

    # Moved for real: the detail page shows the stage and the whole history.
    page.reload()
    expect(column(page, "Won").locator("[data-testid=kanban-card]")).to_have_count(1)
    card.locator("a").click()
    expect(page.locator("[data-testid=current-stage]")).to_have_text("Won")
    expect(page.locator("[data-testid=stage-change]")).to_have_count(4)

    # The funnel: the won figure opens the list of what it counted, at 1440 and 390 px.
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/opportunities/funnel/")
        funnel = page.locator("[data-testid=funnel]").filter(has_text="New business")
        expect(funnel.locator("[data-testid=won-count]")).to_have_text("1")
        assert page.evaluate(NO_SIDEWAYS_SCROLL), width
        page.screenshot(path=str(screenshots / f"opportunity-funnel-{width}.png"), full_page=True)
        funnel.locator("[data-testid=won-count]").click()
        expect(page).to_have_url(re.compile(r"/opportunities/\?.*outcome=won"))
        expect(page.locator("[data-testid=opportunity-row]")).to_have_count(1)
        expect(page.locator("[data-testid=opportunity-row]")).to_contain_text("苏州管道 CRM 项目")
        assert page.evaluate(NO_SIDEWAYS_SCROLL), width
    page.goto(f"{base}/opportunities/board/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)  # the board scrolls inside itself on a phone
    page.screenshot(path=str(screenshots / "opportunity-board-390.png"), full_page=True)
    assert not script_errors, script_errors


def test_choosing_another_customer_reloads_its_contacts_on_a_phone(page: Page, live_site):
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    base = sign_up(page, live_site, "Lian Xi", company="Contacts Test")
    new_customer(page, base, "杭州联系科技有限公司", contact="周经理")
    new_customer(page, base, "宁波往来贸易有限公司", contact="吴总")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/opportunities/new/")
    form = page.locator("[data-testid=opportunity-form]")
    contacts = form.locator("#id_contacts")
    expect(contacts.locator("input[type=checkbox]")).to_have_count(0)
    pick(form, "id_customer", "hzlx", "杭州联系")  # pinyin initials
    expect(contacts).to_contain_text("周经理")
    pick(form, "id_customer", "nbwl", "宁波往来")
    expect(contacts).to_contain_text("吴总")
    expect(contacts).not_to_contain_text("周经理")
    contacts.get_by_label("吴总").check()
    form.locator("#id_subject").fill("宁波往来 年度采购")
    form.locator("#id_type").select_option(label="New business")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    form.locator("[data-testid=save-opportunity]").click()
    row = page.locator("[data-testid=opportunity-row]").filter(has_text="宁波往来 年度采购")
    expect(row).to_contain_text("10%")  # the probability left empty: the stage's default
    row.get_by_role("link", name="宁波往来 年度采购").click()
    expect(page.locator("main")).to_contain_text("吴总")
    assert not script_errors, script_errors
