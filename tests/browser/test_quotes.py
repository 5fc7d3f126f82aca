"""Quotes in a real browser (QUO-01): build a quote with three lines picked by pinyin, watch the
totals change live and match what the server stores, print it (with and without prices), and see
it expire when the hourly task runs, at 1440 and 390 px.

The company signs up through the public page, so the shared workspaces are never touched.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import new_customer, pick, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# name, pinyin query, quote price
PRODUCTS = (("螺丝刀套装", "luosidao", "19.99"), ("电动扳手", "diandong", "333.33"), ("卷尺", "juanchi", "7.05"))


def _schema(base: str) -> str:
    from tenants.models import Tenant

    return Tenant.objects.get(domains__domain=urlsplit(base).hostname).schema_name


def _catalogue(schema: str) -> None:
    from django_tenants.utils import schema_context

    from saas_core.accounts.models import User
    from saas_core.products import services

    with schema_context(schema):
        boss = User.objects.get(role="boss")
        for name, _query, price in PRODUCTS:
            services.create_product(by=boss, name=name, unit="件", prices={"quote": price}, cost_price="1.00",
                                    check_permission=False)


@pytest.mark.parametrize("width", [1440, 390])
def test_build_print_and_expire_a_quote(page: Page, live_site, screenshots, width):
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.set_viewport_size({"width": width, "height": 900})
    base = sign_up(page, live_site, "Qian Bo", company="Quote Test")
    schema = _schema(base)
    _catalogue(schema)
    customer = new_customer(page, base, "苏州精工五金有限公司", contact="周全")

    page.goto(f"{base}/quotes/new/?customer={customer}")
    form = page.locator("[data-testid=quote-form]")
    expect(form.locator("[data-line-row]")).to_have_count(1)  # one empty line to start with
    for i, (name, query, price) in enumerate(PRODUCTS):
        if i:
            form.locator("[data-testid=add-line]").click()
            expect(form.locator("[data-line-row]")).to_have_count(i + 1)  # the new line is in before its picker is used
        pick(form, f"id_lines-{i}-product", query, name)
        row = form.locator("[data-line-row]").nth(i)
        expect(row.locator("[data-line=unit_price]")).to_have_value(price)  # the quote price strategy
        expect(row.locator("[data-line=quantity]")).to_have_value("1")
    rows = form.locator("[data-line-row]")
    rows.nth(0).locator("[data-line=quantity]").fill("3")
    rows.nth(0).locator("[data-line=discount_percent]").fill("12.5")
    expect(rows.nth(0).locator("[data-line-total]")).to_have_text("52.47")  # 3 × 19.99 × 0.875 = 52.47375
    rows.nth(1).locator("[data-line=quantity]").fill("1.5")
    expect(rows.nth(1).locator("[data-line-total]")).to_have_text("500.00")  # 499.995 rounds half up
    rows.nth(2).locator("[data-line=quantity]").fill("2")
    expect(form.locator("[data-testid=live-subtotal]")).to_have_text("566.57")
    form.locator("[data-doc-discount]").fill("6.57")
    expect(form.locator("[data-testid=live-total]")).to_have_text("560.00")
    live_total = form.locator("[data-testid=live-total]").inner_text()
    page.screenshot(path=str(screenshots / f"quote-form-{width}.png"), full_page=True)
    form.locator("[data-testid=save-quote]").click()
    expect(page).to_have_url(re.compile(re.escape(base + "/quotes/") + r"\d+/$"))
    pk = page.url.rstrip("/").rsplit("/", 1)[1]
    expect(page.locator("[data-testid=quote-total]")).to_have_text(live_total)
    expect(page.locator("[data-testid=quote-line]")).to_have_count(3)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    from django_tenants.utils import schema_context

    from saas_core.quotes.models import Quote

    with schema_context(schema):
        stored = Quote.objects.get(pk=pk)
        assert stored.total == Decimal(live_total)
        assert stored.total == sum(stored.lines.values_list("total", flat=True)) - stored.discount

    page.goto(f"{base}/quotes/{pk}/print/")
    expect(page.locator("[data-testid=print-total]")).to_have_text(live_total)
    expect(page.locator("[data-testid=print-lines]")).to_contain_text("电动扳手")
    page.screenshot(path=str(screenshots / f"quote-print-{width}.png"), full_page=True)
    page.goto(f"{base}/quotes/{pk}/print/?prices=0")
    expect(page.locator("[data-testid=print-lines]")).to_contain_text("卷尺")
    expect(page.locator("[data-testid=print-lines]")).not_to_contain_text("333.33")

    # Sent, then its validity date passes: the hourly task (here run at once) expires it.
    page.goto(f"{base}/quotes/{pk}/")
    page.locator("[data-testid=status-sent]").click()
    expect(page.locator("[data-testid=quote-status]")).to_have_attribute("data-status", "sent")
    from saas_core.quotes import tasks
    from saas_core.tenancy import company_today

    with schema_context(schema):
        today = company_today()
        Quote.objects.filter(pk=pk).update(quoted_on=today - timedelta(days=10), valid_until=today - timedelta(days=1))
        assert tasks.expire_quotes.apply().get() == 1
        assert tasks.expire_quotes.apply().get() == 0
    page.reload()
    expect(page.locator("[data-testid=quote-status]")).to_have_attribute("data-status", "expired")
    expect(page.locator("[data-testid=edit-quote]")).to_have_count(0)
    page.screenshot(path=str(screenshots / f"quote-expired-{width}.png"), full_page=True)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # The customer's 360° lists it, and the next quote shows the last price beside the line.
    page.goto(f"{base}/customers/{customer}/?tab=quotes")
    expect(page.locator("[data-testid=customer-quote]")).to_have_count(1)
    expect(page.locator("[data-testid=quoted-product]")).to_have_count(3)
    page.goto(f"{base}/quotes/new/?customer={customer}")
    pick(page.locator("[data-testid=quote-form]"), "id_lines-0-product", "luosidao", "螺丝刀套装")
    expect(page.locator("[data-last-prices]").first).to_contain_text("19.99")
    assert not script_errors, script_errors
