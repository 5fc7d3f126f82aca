"""Pages and API of billing: read-only guard, banner, Subscription page, account page, isolation."""

from __future__ import annotations

import re

import pytest

from billing.models import Subscription
from tenants import lifecycle
from tenants.models import Tenant
from tests.billing.conftest import GOOD_CARD
from tests.conftest import in_tenant

S = Tenant.Status
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def set_status(tenant_a, *steps):
    tenant = Tenant.objects.get(schema_name=tenant_a.schema)
    for step in steps:
        lifecycle.transition(tenant, step)
    return tenant


def test_read_only_workspace_reads_but_refuses_writes_with_the_reason(db, tenant_a, boss_a, client_for):
    set_status(tenant_a, S.PAST_DUE, S.READ_ONLY)
    client = client_for(tenant_a, boss_a)
    assert client.get("/customers/").status_code == 200
    page = client.post("/customers/new/", {"name": "Nope"})
    assert page.status_code == 403
    assert "read-only because a payment is overdue" in page.content.decode()
    assert "Subscription page" in page.content.decode()
    api = client.post("/api/v1/customers/", {"name": "Nope"}, content_type="application/json")
    assert api.status_code == 403 and api.json()["code"] == "read_only"
    assert client.get("/api/v1/customers/").status_code == 200
    assert client.get("/billing/").status_code == 200  # the way out stays open
    with in_tenant(tenant_a):
        from saas_core.customers.models import Customer

        assert not Customer.objects.filter(name="Nope").exists()


def test_past_due_banner_on_every_page_and_writes_still_work(db, tenant_a, boss_a, client_for, make_user):
    set_status(tenant_a, S.PAST_DUE)
    sales = make_user(tenant_a, role="sales")
    for user in (boss_a, sales):
        html = client_for(tenant_a, user).get("/customers/").content.decode()
        assert 'data-testid="billing-banner" data-kind="past_due"' in html
        assert "A payment is overdue" in html
    assert 'data-testid="banner-pay"' in client_for(tenant_a, boss_a).get("/").content.decode()
    assert 'data-testid="banner-pay"' not in client_for(tenant_a, sales).get("/").content.decode()


def test_subscription_page_pay_flow_with_proration_shown_first(trial_a, tenant_a, boss_a, client_for, plan, big_plan):
    client = client_for(tenant_a, boss_a)
    assert "Team" in client.get("/billing/").content.decode()
    bad = client.post("/billing/card/", {"number": "1", "exp_month": 1, "exp_year": 2035, "cvc": "12"})
    assert bad.status_code == 400 and "16 digits" in bad.content.decode()
    assert client.post("/billing/card/", GOOD_CARD).status_code == 302
    review = client.post("/billing/review/", {"plan": plan.pk, "seats": 2})
    assert review.status_code == 200 and "¥198.00" in review.content.decode()
    assert client.post("/billing/confirm/", {"plan": plan.pk, "seats": 2}).status_code == 302
    assert Tenant.objects.get(pk=trial_a.pk).status == S.ACTIVE
    upgrade = client.post("/billing/review/", {"plan": big_plan.pk, "seats": 2}).content.decode()
    assert 'data-testid="quote-proration"' in upgrade and "¥398.00" in upgrade
    assert client.post("/billing/confirm/", {"plan": big_plan.pk, "seats": 2}).status_code == 302
    assert Subscription.objects.get(tenant=trial_a).plan == big_plan
    page = client.get("/billing/").content.decode()
    assert 'data-testid="invoice-download"' in page
    from billing import services

    invoice_id = services.invoices(trial_a)[0].id
    download = client.get(f"/billing/invoices/{invoice_id}/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert "¥198.00" in download.content.decode()
    assert client.get("/billing/cancel/").status_code == 200
    assert client.post("/billing/cancel/").status_code == 302
    assert Subscription.objects.get(tenant=trial_a).cancel_at_period_end


def test_api_quote_subscribe_and_errors(trial_a, tenant_a, boss_a, client_for, plan):
    client = client_for(tenant_a, boss_a)
    bad = client.post("/api/v1/billing/quote/", {"plan": "nope", "seats": 0}, content_type="application/json")
    assert bad.status_code == 400 and {"plan", "seats"} <= set(bad.json()["errors"])
    assert client.post("/api/v1/billing/card/", GOOD_CARD, content_type="application/json").status_code == 200
    quote = client.post("/api/v1/billing/quote/", {"plan": "team", "seats": 2}, content_type="application/json")
    assert quote.json()["plan_total_minor"] == 19800
    done = client.post("/api/v1/billing/subscribe/", {"plan": "team", "seats": 2}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "active"
    assert done.json()["subscription"]["card"] == {"brand": "visa", "last4": "4242"}
    assert client.get("/api/v1/billing/invoices/").json()["count"] == 1
    assert client.post("/api/v1/billing/cancel/", {"cancel": "yes"}, content_type="application/json").status_code == 400


@pytest.mark.parametrize(("cvc", "number"), [("0000", "4242424242424242"), ("12a", "4242424242424242"),
                                              ("12", "4242424242424242")])
def test_a_wrong_security_code_is_a_400_naming_it_not_a_payment_service_outage(trial_a, tenant_a, boss_a, client_for,
                                                                                cvc, number):
    """Found by the schema fuzz: a 4-digit code on a Visa card went to Stripe, which refused it, and
    the company was told the payment service was down (503, "try again in a few minutes")."""
    client = client_for(tenant_a, boss_a)
    answer = client.post("/api/v1/billing/card/", {**GOOD_CARD, "number": number, "cvc": cvc},
                         content_type="application/json")
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"cvc"}
    assert "3 on other cards" in answer.json()["errors"]["cvc"][0]


def test_only_the_boss_may_open_billing(trial_a, tenant_a, client_for, make_user):
    sales = make_user(tenant_a, role="sales")
    client = client_for(tenant_a, sales)
    assert client.get("/billing/").status_code == 403
    assert client.get("/billing/account/").status_code == 403
    assert client.get("/api/v1/billing/subscription/").status_code == 403


def test_seat_limit_message_on_the_user_form(trial_a, tenant_a, boss_a, client_for):
    Subscription.objects.filter(tenant=trial_a).update(seats=1)
    response = client_for(tenant_a, boss_a).post("/api/v1/users/", {
        "username": "extra", "password": "Correct-Horse-77", "name": "Extra", "role": "sales"},
        content_type="application/json")
    assert response.status_code == 400
    assert "All 1 paid seats are in use" in response.json()["detail"]


def test_account_page_shows_seats_plan_storage_and_takes_a_logo(trial_a, tenant_a, boss_a, client_for, settings,
                                                                tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(tenant_a, boss_a)
    html = client.get("/billing/account/").content.decode()
    assert "Alpha Trading Ltd" in html and "Team" in html
    assert "1 used of 5" in html and "10.0\xa0MB" in html
    assert "14 days left" in html
    bad = client.post("/billing/account/", {"logo": SimpleUploadedFile("x.png", b"<svg/>")})
    assert bad.status_code == 400 and "not a PNG" in bad.content.decode()
    assert client.post("/billing/account/", {"logo": SimpleUploadedFile("x.png", PNG)}).status_code == 302
    logo = client.get("/billing/account/logo/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    api = client.get("/api/v1/billing/account/").json()
    assert api["seats_limit"] == 5 and api["plan"] == "team" and api["storage_quota"] == 10 * 1024 * 1024


@pytest.mark.parametrize("path", ["/billing/", "/billing/account/", "/billing/account/logo/",
                                  "/api/v1/billing/subscription/", "/api/v1/billing/invoices/"])
def test_another_company_sees_nothing_of_a_companys_billing(paying_a, tenant_b, client_for, path, settings, tmp_path):
    """B's Boss on B's host sees B's state only; A's invoice ids are not found there."""
    from billing import services
    from saas_core.accounts.models import User

    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    client = client_for(tenant_b, boss_b)
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert "4242" not in response.content.decode()
    invoice_id = services.invoices(paying_a)[0].id
    assert client.get(f"/billing/invoices/{invoice_id}/").status_code == 404
    assert client.get(f"/api/v1/billing/invoices/{invoice_id}/").status_code == 404


def test_the_seats_default_is_the_number_of_active_users_so_the_first_review_passes(
        trial_a, tenant_a, boss_a, client_for, make_user, plan):
    import re

    for _ in range(6):
        make_user(tenant_a)  # seven active users on a five-seat trial, like the demo
    client = client_for(tenant_a, boss_a)
    seats = re.search(r'name="seats" value="(\d+)"', client.get("/billing/").content.decode()).group(1)
    assert seats == "7"
    review = client.post("/billing/review/", {"plan": plan.pk, "seats": seats})
    assert review.status_code == 200 and "¥693.00" in review.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_module_names_and_dates_on_billing_pages_are_in_the_readers_language(
        db, tenant_a, boss_a, client_for, language):
    """"SMS gateway" stayed English on a Chinese page (the catalogue row's name); the banner wrote
    dates in Django's long form while every card and list wrote 2027-01-15."""
    from datetime import UTC, datetime

    from billing import services
    from billing.models import Module, Plan

    tenant = Tenant.objects.get(schema_name=tenant_a.schema)
    subscription = services.start_trial(tenant, Plan.objects.create(code="dates", name="Dates"))
    subscription.modules.add(Module.objects.get(key="sms"))
    Tenant.objects.filter(pk=tenant.pk).update(status=S.TRIALING, trial_ends_at=datetime(2027, 1, 15, 6, tzinfo=UTC))
    with in_tenant(tenant_a):
        boss_a.language = language  # a signed-in user reads their own language
        boss_a.save(update_fields=["language"])
    page = client_for(tenant_a, boss_a).get("/billing/").content.decode()
    name = {"en": "SMS gateway", "zh-hans": "短信网关"}[language]
    assert re.search(r'data-testid="subscription-modules">' + name + "<", page)
    assert re.search(r'<input [^>]*name="modules" value="sms"[^>]*>\s*<label[^>]*>' + name + "<", page)
    banner = re.search(r'data-testid="billing-banner".*?</div>', page, re.S).group(0)
    assert "2027-01-15" in banner
    assert page.count("2027-01-15") == 2  # the banner and the card's "trial ends", one form
    assert "2027年" not in page and "Jan" not in page
