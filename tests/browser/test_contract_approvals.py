"""A contract through its approval flow in a real browser (APR-01 × CTR-01): the Boss designs a
two-level flow with an amount condition for contracts; a salesperson submits a contract over the
amount; the manager approves, the director rejects with a comment; the salesperson edits and
resubmits; both approve and the contract is in progress (signed). The quote → order → partial
shipment flow is tests/browser/test_orders.py.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import (  # noqa: E402
    decide_on,
    design_two_level_flow,
    flow_people_and_document,
    sign_in,
    sign_out,
    sign_up,
)
from tests.factories import PASSWORD  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _people_and_contract(base: str) -> int:
    """Manager ← salesperson (superior), a director, and the salesperson's draft contract for 12,000."""
    from saas_core.contracts.services import create_contract
    from saas_core.lines.services import LineInput

    return flow_people_and_document(base, "deal", lambda sales, customer, product: create_contract(
        by=sales, customer=customer, title="数控机床采购合同", lines=[LineInput(product, "1")],
        check_permission=False).pk)


def _as(page: Page, base: str, username: str, name: str) -> None:
    sign_out(page)
    sign_in(page, base, username, name, PASSWORD)


def _decide(page: Page, base: str, pk: int, button: str, comment: str = "", *, lands: str = "/approvals/") -> None:
    decide_on(page, base, f"/contracts/{pk}/", button, comment, lands=lands)


def test_a_contract_over_the_amount_is_approved_rejected_resubmitted_and_signed(page: Page, live_site, screenshots):
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.set_viewport_size({"width": 1280, "height": 900})
    base = sign_up(page, live_site, "Boss Wang", company="Contract Approval Test")
    pk = _people_and_contract(base)

    design_two_level_flow(page, base, "contracts.contract", "大额合同")

    # The salesperson cannot sign it by hand; submits it; it is locked while pending.
    _as(page, base, "sun", "Sales Sun")
    page.goto(f"{base}/contracts/{pk}/")
    expect(page.locator("[data-testid=approval-panel]")).to_have_attribute("data-state", "required")
    expect(page.locator("[data-testid=status-in_progress]")).to_have_count(0)
    page.locator("[data-testid=submit-approval]").click()
    expect(page.locator("[data-testid=approval-panel]")).to_have_attribute("data-state", "pending")
    expect(page.locator("[data-testid=contract-status]")).to_have_attribute("data-status", "pending_approval")
    expect(page.locator("[data-testid=edit-contract]")).to_have_count(0)

    _as(page, base, "qian", "Manager Qian")
    expect(page.locator("[data-testid=approvals-count]")).to_have_text("1")
    _decide(page, base, pk, "approve", "同意")

    _as(page, base, "zhao", "Director Zhao")
    _decide(page, base, pk, "reject", lands=f"/contracts/{pk}/")
    expect(page.locator(".alert").filter(has_text="Say why you reject it.")).to_have_count(1)
    _decide(page, base, pk, "reject", "金额过大，请分两期签订")

    # The salesperson reads why, edits the contract (a draft again) and submits it again.
    _as(page, base, "sun", "Sales Sun")
    page.goto(f"{base}/contracts/{pk}/")
    expect(page.locator("[data-testid=contract-status]")).to_have_attribute("data-status", "draft")
    expect(page.locator("[data-testid=timeline-comment]").last).to_have_text("金额过大，请分两期签订")
    page.locator("[data-testid=edit-contract]").click()
    row = page.locator("[data-line-row]").first
    row.locator("[data-line=unit_price]").fill("11000")
    page.locator("[data-testid=save-contract]").click()
    expect(page).to_have_url(f"{base}/contracts/{pk}/")
    expect(page.locator("[data-testid=document-total]")).to_have_text(re.compile(r"11,?000\.00"))
    page.locator("[data-testid=submit-approval]").click()
    expect(page.locator("[data-testid=approval-panel]")).to_have_attribute("data-state", "pending")

    _as(page, base, "qian", "Manager Qian")
    _decide(page, base, pk, "approve")
    _as(page, base, "zhao", "Director Zhao")
    _decide(page, base, pk, "approve", "可以")

    _as(page, base, "sun", "Sales Sun")
    page.goto(f"{base}/contracts/{pk}/")
    expect(page.locator("[data-testid=contract-status]")).to_have_attribute("data-status", "in_progress")
    expect(page.locator("[data-testid=approval-panel]")).to_have_attribute("data-state", "approved")
    page.screenshot(path=str(screenshots / "contract-approved-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/contracts/{pk}/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=str(screenshots / "contract-approved-390.png"), full_page=True)
    assert not script_errors, script_errors
