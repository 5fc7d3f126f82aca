"""Orders in a real browser (ORD-01): an accepted quote becomes an order in one click, the order is
confirmed and part of it shipped; the shipping status and the delivered quantities follow, at 1440
and 390 px. The company signs up through the public page, so the shared workspaces are untouched.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import new_customer, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _accepted_quote(base: str, customer_pk: str) -> tuple[str, int]:
    """An accepted quote of two lines (10 drills, 4 tape measures), made through the services."""
    from django_tenants.utils import schema_context

    from saas_core.accounts.models import User
    from saas_core.customers.models import Customer
    from saas_core.lines.services import LineInput
    from saas_core.products import services as products
    from saas_core.quotes import services as quotes
    from tenants.models import Tenant

    schema = Tenant.objects.get(domains__domain=urlsplit(base).hostname).schema_name
    with schema_context(schema):
        boss = User.objects.get(role="boss")
        drill = products.create_product(by=boss, name="电钻", unit="台", prices={"quote": "299.00"},
                                        cost_price="180.00", check_permission=False)
        tape = products.create_product(by=boss, name="卷尺", unit="把", prices={"quote": "12.50"},
                                       check_permission=False)
        quote = quotes.create_quote(by=boss, customer=Customer.objects.get(pk=customer_pk), check_permission=False,
                                    lines=[LineInput(drill, "10", None, "0"), LineInput(tape, "4", None, "0")])
        quotes.set_status(quote, "sent", by=boss)
        quotes.set_status(quote, "accepted", by=boss)
        return schema, quote.pk


@pytest.mark.parametrize("width", [1440, 390])
def test_convert_a_quote_to_an_order_and_ship_part_of_it(page: Page, live_site, screenshots, width):
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.set_viewport_size({"width": width, "height": 900})
    base = sign_up(page, live_site, "Sun Fa", company="Order Test")
    customer = new_customer(page, base, "杭州顺达机电有限公司", contact="吴刚")
    schema, quote_pk = _accepted_quote(base, customer)

    page.goto(f"{base}/quotes/{quote_pk}/")
    page.locator("[data-testid=convert-order]").click()
    expect(page).to_have_url(re.compile(re.escape(base + "/orders/") + r"\d+/$"))
    order_pk = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.locator("[data-testid=order-quote]")).to_be_visible()
    expect(page.locator("[data-testid=order-line]")).to_have_count(2)
    expect(page.locator("[data-testid=order-total]")).to_have_text("3040.00")  # 10 × 299 + 4 × 12.50
    expect(page.locator("[data-testid=shipping-status]")).to_have_attribute("data-status", "not_shipped")

    page.locator("[data-testid=confirm-order]").click()
    expect(page.locator("[data-testid=order-status]")).to_have_attribute("data-status", "confirmed")
    page.locator("[data-testid=ship-open]").click()
    form = page.locator("[data-testid=ship-form]")
    form.locator("[data-testid=ship-0]").fill("11")  # more than ordered: refused on the line
    form.locator("[data-testid=save-shipment]").click()
    form = page.locator("[data-testid=ship-form]")
    expect(form.locator(".invalid-feedback")).to_be_visible()
    form.locator("[data-testid=ship-0]").fill("6")
    form.locator("input[name=tracking_number]").fill("SF1002003004")
    page.screenshot(path=str(screenshots / f"order-ship-{width}.png"), full_page=True)
    form.locator("[data-testid=save-shipment]").click()
    expect(page.locator("[data-testid=shipping-status]")).to_have_attribute("data-status", "partly_shipped")
    expect(page.locator("[data-testid=line-delivered]").nth(0)).to_have_text("6.00")
    expect(page.locator("[data-testid=line-delivered]").nth(1)).to_have_text("0.00")
    expect(page.locator("[data-testid=shipment-row]")).to_have_count(1)
    expect(page.locator("[data-testid=shipment-row]")).to_contain_text("SF1002003004")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=str(screenshots / f"order-shipped-{width}.png"), full_page=True)

    from django_tenants.utils import schema_context

    from saas_core.orders.models import Order

    with schema_context(schema):
        order = Order.objects.get(pk=order_pk)
        assert order.quote_id == quote_pk and order.shipping_status == "partly_shipped"
        assert [ln.delivered for ln in order.lines.all()] == [Decimal("6"), Decimal("0")]
    page.goto(f"{base}/customers/{customer}/?tab=orders")
    expect(page.locator("[data-testid=customer-order]")).to_have_count(1)
    assert not script_errors, script_errors
