"""In a real browser: trial → pay → add a module → failed payment banner → read-only → pay → full access.

localstripe (real Stripe API, on loopback) charges the cards and posts its webhooks to the live
server; the failed renewal is what Stripe does at the end of a period, driven through localstripe.
"""

from __future__ import annotations

import time
import urllib.parse
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import TIMEOUT_MS, require_browser_stack
from tests.browser.helpers import open_menu, sign_up

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]


def fill_card(page: Page, number: str) -> None:
    form = page.locator("[data-testid=card-form]")
    form.locator("#id_number").fill(number)
    form.locator("#id_exp_month").fill("12")
    form.locator("#id_exp_year").fill("2035")
    form.locator("#id_cvc").fill("123")
    page.locator("[data-testid=save-card]").click()
    expect(page.locator("[data-testid=card-on-file]")).to_contain_text(number[-4:])


def wait_for(predicate, seconds: float = TIMEOUT_MS / 1000) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def test_trial_pay_module_overdue_read_only_and_back(page: Page, live_site, stripe_server, screenshots, settings):
    import stripe

    from billing import stripe_api
    from billing.models import Module, Plan, StripeEvent, Subscription
    from tenants import lifecycle
    from tenants.models import Tenant
    from tests.conftest import STRIPE_WEBHOOK_SECRET

    plan = Plan.objects.create(code="pw-team", name="Team", price_per_seat_minor=9900)
    # The real SMS module (plugins.sms, registered through the crm.modules entry point), on sale
    # for this test at 300.00 a month; its catalogue row is put back afterwards.
    module = Module.objects.get(key="sms")
    saved = Module.objects.filter(pk="sms").values().get()
    Module.objects.filter(pk="sms").update(name="SMS module", price_minor=30000, currency="CNY", active=True)
    form = urllib.parse.urlencode({"url": live_site + "/stripe/webhook/", "secret": STRIPE_WEBHOOK_SECRET}).encode()
    urllib.request.urlopen(urllib.request.Request(stripe_server + "/_config/webhooks/crm", data=form), timeout=5)  # noqa: S310
    try:
        base = sign_up(page, live_site, "Boss Billing", company="Billing")
        tenant = Tenant.objects.get(domains__domain=urlsplit(base).hostname)
        assert tenant.status == Tenant.Status.TRIALING
        expect(page.locator("[data-testid=billing-banner]")).to_have_attribute("data-kind", "trialing")

        # --- pay: card, plan and seats, the price shown before paying --------------------------
        open_menu(page, "subscription")
        expect(page.locator("[data-testid=subscription-plan]")).to_contain_text("Team")
        fill_card(page, "4242424242424242")
        page.locator("#id_seats").fill("2")
        page.locator("[data-testid=review]").click()
        expect(page.locator("[data-testid=quote-now]")).to_have_text("¥198.00")
        page.locator("[data-testid=confirm]").click()
        expect(page.locator("[data-testid=subscription-status]")).to_contain_text("Active")
        expect(page.locator("[data-testid=billing-banner]")).to_have_count(0)
        expect(page.locator("[data-testid=invoices] tbody tr")).to_have_count(1)

        # --- add a module: charged now, listed on the subscription, its menu appears --------------
        expect(page.locator("[data-menu=sms_send]")).to_have_count(0)
        assert page.goto(base + "/sms/").status == 404
        page.goto(base + "/billing/")
        page.get_by_label("SMS gateway").check()  # the plugin's own name (Module.display_name)
        page.locator("[data-testid=review]").click()
        expect(page.locator("[data-testid=quote-now]")).to_have_text("¥300.00")
        expect(page.locator("[data-testid=quote-proration]")).to_have_text("¥0.00")
        page.locator("[data-testid=confirm]").click()
        expect(page.locator("[data-testid=subscription-modules]")).to_have_text("SMS gateway")
        open_menu(page, "sms_send")
        expect(page).to_have_url(base + "/sms/")
        page.goto(base + "/billing/")

        # --- the renewal fails: the webhook makes it past due, a banner on every page -----------
        fill_card(page, "4000000000000341")
        subscription = Subscription.objects.get(tenant=tenant)
        stripe_api.configure()
        renewal = stripe.Invoice.create(customer=subscription.stripe_customer_id,
                                        subscription=subscription.stripe_subscription_id)
        stripe.Invoice.pay(renewal.id)
        wait_for(lambda: Tenant.objects.get(pk=tenant.pk).status == Tenant.Status.PAST_DUE)
        # the invoice's own event may come after the subscription's, which already moved it
        wait_for(lambda: StripeEvent.objects.filter(object_id=renewal.id).exists())
        page.goto(base + "/customers/")
        expect(page.locator("[data-testid=billing-banner]")).to_have_attribute("data-kind", "past_due")
        expect(page.locator("[data-testid=billing-banner]")).to_contain_text("A payment is overdue")
        page.screenshot(path=str(screenshots / "billing-past-due.png"))

        # --- the grace period ends: read-only; writes refused with why and how -------------------
        tenant.refresh_from_db()
        lifecycle.advance(tenant, timezone_now() + timedelta(days=settings.BILLING_GRACE_DAYS, minutes=1))
        page.goto(base + "/customers/new/")
        expect(page.locator("[data-testid=billing-banner]")).to_have_attribute("data-kind", "read_only")
        page.locator("#id_name").fill("Blocked Trading Ltd")
        page.locator("main form[method=post] button[type=submit]").first.click()
        expect(page.locator("main")).to_contain_text("read-only because a payment is overdue")

        # --- pay with a good card: full access at once -----------------------------------------
        page.goto(base + "/billing/")
        fill_card(page, "4242424242424242")
        page.locator("[data-testid=pay-overdue]").click()
        expect(page.locator("[data-testid=subscription-status]")).to_contain_text("Active")
        expect(page.locator("[data-testid=billing-banner]")).to_have_count(0)
        page.goto(base + "/customers/new/")
        page.locator("#id_name").fill("Paid Trading Ltd")
        page.locator("#id_phone").fill("010-6234 5678")
        page.locator("main form[method=post] button[type=submit]").first.click()
        expect(page.locator("[data-testid=customer-title]")).to_have_text("Paid Trading Ltd")
    finally:
        StripeEvent.objects.all().delete()
        Subscription.objects.filter(plan=plan).delete()
        Module.objects.filter(pk=module.pk).update(**{k: v for k, v in saved.items() if k != "key"})
        plan.delete()


def timezone_now():
    from django.utils import timezone

    return timezone.now()
