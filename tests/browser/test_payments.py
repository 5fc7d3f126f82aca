"""Receivables in a real browser (PAY-01): on a signed contract the Boss plans an installment, the
workbench shows it as due, he receives it from the plan and invoices the payment from the record;
the customer 360° business totals and the workbench's receivables follow, at 1440 and 390 px. The
company signs up through the public page, so the shared workspaces are untouched."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import new_customer, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _signed_contract(base: str, customer_pk: str) -> tuple[int, str]:
    """A contract in progress with a total of 1,000.00, made through the services; and the company's today."""
    from django_tenants.utils import schema_context

    from saas_core.accounts.models import User
    from saas_core.contracts import services as contracts
    from saas_core.customers.models import Customer
    from saas_core.lines.services import LineInput
    from saas_core.products import services as products
    from tenants.models import Tenant

    schema = Tenant.objects.get(domains__domain=urlsplit(base).hostname).schema_name
    with schema_context(schema):
        boss = User.objects.get(role="boss")
        server = products.create_product(by=boss, name="服务器", unit="台", prices={"deal": "1000.00"},
                                         check_permission=False)
        contract = contracts.create_contract(by=boss, customer=Customer.objects.get(pk=customer_pk), title="服务器采购",
                                             lines=[LineInput(server, "1", None, "0")], check_permission=False)
        from saas_core.tenancy import company_today

        return contracts.set_status(contract, "in_progress", by=boss).pk, company_today().isoformat()


@pytest.mark.parametrize("width", [1440, 390])
def test_plan_receive_and_invoice_a_payment(page: Page, live_site, screenshots, width):
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.set_viewport_size({"width": width, "height": 900})
    base = sign_up(page, live_site, "Qian Yu", company="Payment Test")
    customer = new_customer(page, base, "苏州恒远精密机械有限公司", contact="周敏")
    contract, today = _signed_contract(base, customer)

    page.goto(f"{base}/contracts/{contract}/")
    page.locator("[data-testid=add-payment-plan]").click()
    form = page.locator("[data-testid=payments-form]")
    form.locator("input[name=amount]").fill("1200")  # more than the contract's total: refused on the field
    form.locator("input[name=due_on]").fill(today)
    form.locator("[data-testid=save]").click()
    expect(page.locator("[data-error-for=amount], .invalid-feedback").first).to_contain_text("1000.00")
    page.locator("[data-testid=payments-form] input[name=amount]").fill("600")
    page.locator("[data-testid=payments-form] [data-testid=save]").click()
    expect(page).to_have_url(re.compile(re.escape(f"{base}/contracts/{contract}/") + "#payments$"))
    expect(page.locator("[data-testid=document-plan] [data-testid=plan-status]")).to_have_attribute(
        "data-status", "pending")

    page.goto(f"{base}/")
    expect(page.locator("[data-testid=receivables-soon]")).to_have_text("600.00")
    expect(page.locator("[data-testid=receivable]")).to_have_count(1)

    page.goto(f"{base}/contracts/{contract}/")
    page.locator("[data-testid=plan-receive]").click()
    form = page.locator("[data-testid=payments-form]")
    expect(form.locator("input[name=amount]")).to_have_value("600.00")
    form.locator("input[name=payer]").fill("苏州恒远精密机械有限公司")
    page.screenshot(path=str(screenshots / f"payment-record-{width}.png"), full_page=True)
    form.locator("[data-testid=save]").click()
    expect(page).to_have_url(re.compile(re.escape(base + "/payments/received/") + r"\d+/$"))
    expect(page.locator("[data-testid=record-plans] li")).to_have_count(1)

    page.locator("[data-testid=record-to-invoice]").click()
    form = page.locator("[data-testid=payments-form]")
    expect(form.locator("input[name=amount]")).to_have_value("600.00")
    expect(form.locator("input[name=title]")).to_have_value("苏州恒远精密机械有限公司")
    form.locator("select[name=kind]").select_option("electronic")
    form.locator("input[name=invoice_number]").fill("25320000000012345678")
    form.locator("[data-testid=save]").click()
    expect(page).to_have_url(re.compile(re.escape(base + "/payments/invoices/") + r"\d+/$"))
    expect(page.locator("[data-testid=invoice-fields]")).to_contain_text("25320000000012345678")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.goto(f"{base}/customers/{customer}/?tab=business_totals")
    totals = page.locator("[data-testid=business-totals]")
    expect(totals.locator("[data-testid=total-contracts]")).to_have_text("1000.00")
    expect(totals.locator("[data-testid=total-planned]")).to_have_text("600.00")
    expect(totals.locator("[data-testid=total-received]")).to_have_text("600.00")
    expect(totals.locator("[data-testid=total-invoiced]")).to_have_text("600.00")
    expect(totals.locator("[data-testid=total-outstanding]")).to_have_text("400.00")
    expect(page.locator("[data-testid=statement-row]")).to_have_count(1)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=str(screenshots / f"payment-360-{width}.png"), full_page=True)

    page.goto(f"{base}/")
    expect(page.locator("[data-testid=receivables-soon]")).to_have_text("0.00")
    expect(page.locator("[data-testid=receivable]")).to_have_count(0)
    page.goto(f"{base}/contracts/")
    expect(page.locator("[data-testid=contract-received]")).to_have_text("60%")
    expect(page.locator("[data-testid=contract-plan-progress]")).to_have_text("1/1")
    assert not script_errors, script_errors
