"""Approval flows in a real browser (APR-01): the Boss designs a two-level flow with an amount
condition; a salesperson submits a quote over the amount; the manager approves, the director
rejects with a comment; the salesperson edits and resubmits; both approve and the quote can be
sent. The waiting list, the approval panel and the designer have no sideways scroll at 390 px.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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


def _people_and_quote(base: str) -> int:
    """Manager ← salesperson (superior), a director, and the salesperson's quote for 12,000."""
    from saas_core.quotes.services import LineInput, create_quote

    return flow_people_and_document(base, "quote", lambda sales, customer, product: create_quote(
        by=sales, customer=customer, lines=[LineInput(product, "1")], check_permission=False).pk)


def _as(page: Page, base: str, username: str, name: str) -> None:
    sign_out(page)
    sign_in(page, base, username, name, PASSWORD)


def _decide(page: Page, base: str, pk: int, button: str, comment: str = "", *, lands: str = "/approvals/") -> None:
    decide_on(page, base, f"/quotes/{pk}/", button, comment, lands=lands)


def test_design_submit_approve_reject_resubmit(page: Page, live_site, screenshots):
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.set_viewport_size({"width": 1280, "height": 900})
    base = sign_up(page, live_site, "Boss Wang", company="Approval Test")
    pk = _people_and_quote(base)

    # The Boss designs the flow: over 10,000 → the salesperson's manager, then a director.
    design_two_level_flow(page, base, "quotes.quote", "大额报价")
    page.screenshot(path=str(screenshots / "approval-flow-1280.png"), full_page=True)

    # The salesperson cannot send it before approval; submits it.
    _as(page, base, "sun", "Sales Sun")
    page.goto(f"{base}/quotes/{pk}/")
    expect(page.locator("[data-testid=approval-panel]")).to_have_attribute("data-state", "required")
    page.locator("[data-testid=status-sent]").click()
    expect(page.locator("[data-testid=quote-status]")).to_have_attribute("data-status", "draft")
    page.locator("[data-testid=submit-approval]").click()
    expect(page.locator("[data-testid=approval-panel]")).to_have_attribute("data-state", "pending")
    expect(page.locator("[data-testid=edit-quote]")).to_have_count(0)
    expect(page.locator("[data-testid=approval-step]")).to_contain_text("经理审批")

    # The manager sees it waiting (top bar and list) and approves.
    _as(page, base, "qian", "Manager Qian")
    expect(page.locator("[data-testid=approvals-count]")).to_have_text("1")
    page.locator("[data-testid=approvals-button]").click()
    expect(page.locator("[data-testid=approval-row]")).to_have_count(1)
    page.locator("[data-testid=approval-link]").click()
    expect(page).to_have_url(f"{base}/quotes/{pk}/")
    _decide(page, base, pk, "approve", "同意")
    expect(page.locator(".alert").filter(has_text="Approved.")).to_have_count(1)
    expect(page.locator("[data-testid=approval-row]")).to_have_count(0)
    assert page.goto(f"{base}/quotes/{pk}/").status == 404  # no longer an approver of it
    page.goto(f"{base}/approvals/")

    # The director rejects: first without a comment (refused), then with one.
    _as(page, base, "zhao", "Director Zhao")
    _decide(page, base, pk, "reject", lands=f"/quotes/{pk}/")
    expect(page.locator("[data-testid=approval-panel]")).to_have_attribute("data-state", "pending")
    expect(page.locator("[data-testid=approval-step]")).to_contain_text("总监审批")
    expect(page.locator(".alert").filter(has_text="Say why you reject it.")).to_have_count(1)
    _decide(page, base, pk, "reject", "折扣太大，请重新报价")

    # The salesperson reads why, edits the quote and submits it again.
    _as(page, base, "sun", "Sales Sun")
    page.goto(f"{base}/quotes/{pk}/")
    expect(page.locator("[data-testid=timeline-comment]").last).to_have_text("折扣太大，请重新报价")
    page.locator("[data-testid=edit-quote]").click()
    row = page.locator("[data-line-row]").first
    row.locator("[data-line=quantity]").fill("2")
    page.locator("[data-testid=save-quote]").click()
    expect(page).to_have_url(f"{base}/quotes/{pk}/")
    expect(page.locator("[data-testid=quote-total]")).to_have_text(re.compile(r"24,?000\.00"))
    page.locator("[data-testid=submit-approval]").click()
    expect(page.locator("[data-testid=approval-panel]")).to_have_attribute("data-state", "pending")

    _as(page, base, "qian", "Manager Qian")
    _decide(page, base, pk, "approve")
    _as(page, base, "zhao", "Director Zhao")
    _decide(page, base, pk, "approve", "可以")

    _as(page, base, "sun", "Sales Sun")
    page.goto(f"{base}/quotes/{pk}/")
    expect(page.locator("[data-testid=timeline-event]")).to_have_count(7)
    page.locator("[data-testid=status-sent]").click()
    expect(page.locator("[data-testid=quote-status]")).to_have_attribute("data-status", "sent")

    # At 390 px: the panel and the lists fit.
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (f"/quotes/{pk}/", "/approvals/?tab=mine"):
        page.goto(base + url)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), url
    page.screenshot(path=str(screenshots / "approval-timeline-390.png"), full_page=True)
    _as(page, base, "qian", "Manager Qian")
    page.goto(f"{base}/approvals/?tab=done")
    expect(page.locator("[data-testid=approval-row]")).to_have_count(2)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # A new quote waits for the manager: the top bar's count appears without a reload.
    expect(page.locator("[data-testid=realtime]")).to_have_attribute("data-realtime-state", "open")
    expect(page.locator("[data-testid=approvals-count]")).to_have_count(0)
    _submit_another(base)
    expect(page.locator("[data-testid=approvals-count]")).to_have_text("1")
    assert not script_errors, script_errors


def _submit_another(base: str) -> None:
    from django.db import transaction
    from django_tenants.utils import schema_context

    from saas_core.accounts.models import User
    from saas_core.approvals import services
    from saas_core.quotes.models import Quote
    from saas_core.quotes.services import copy_quote
    from tenants.models import Tenant

    schema = Tenant.objects.get(domains__domain=urlsplit(base).hostname).schema_name
    with schema_context(schema), transaction.atomic():
        sales = User.objects.get(username="sun")
        services.submit(copy_quote(Quote.objects.get(), by=sales), by=sales)
