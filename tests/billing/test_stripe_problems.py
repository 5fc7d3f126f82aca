"""No page of ours answers 500 because Stripe failed or forgot: a restarted localstripe (emptied
with DELETE /_config/data), a customer deleted at Stripe, Stripe unreachable (issue 13)."""

from __future__ import annotations

import logging
import urllib.request

import pytest
import stripe

from billing import services, stripe_api
from billing.models import StripeEvent, Subscription
from tenants.models import Tenant
from tests.billing.conftest import GOOD_CARD
from tests.billing.test_webhooks import event, post
from tests.conftest import free_port


def restart_localstripe(url: str) -> None:
    """What a restart does to localstripe: it forgets every object (customers, plans, subscriptions)."""
    urllib.request.urlopen(urllib.request.Request(url + "/_config/data", method="DELETE"), timeout=5)  # noqa: S310


@pytest.fixture
def stripe_down(settings):
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"  # nothing listens there


def test_after_a_localstripe_restart_the_page_says_what_to_do_and_paying_again_works(
        paying_a, tenant_a, boss_a, client_for, plan, stripe_server, caplog):
    client = client_for(tenant_a, boss_a)
    restart_localstripe(stripe_server)
    with caplog.at_level(logging.WARNING):
        page = client.get("/billing/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="stripe-problem"' in html and "no longer has this company" in html and "Enter the card again" in html
    assert "Team" in html and 'data-testid="choice-form"' in html  # the rest of the page works
    assert "Stripe no longer has the customer" in caplog.text
    mirror = Subscription.objects.get(tenant=paying_a)
    assert (mirror.stripe_customer_id, mirror.stripe_subscription_id, mirror.card_last4) == ("", "", "")
    assert Tenant.objects.get(pk=paying_a.pk).status == Tenant.Status.ACTIVE  # nothing locked or cancelled

    assert client.post("/billing/card/", GOOD_CARD).status_code == 302  # a new customer at Stripe
    assert client.post("/billing/confirm/", {"plan": plan.pk, "seats": 3}).status_code == 302  # the plan re-synced
    mirror.refresh_from_db()
    stripe_api.configure()
    assert stripe.Subscription.retrieve(mirror.stripe_subscription_id).status == "active"
    page = client.get("/billing/").content.decode()
    assert 'data-testid="stripe-problem"' not in page and 'data-testid="invoice-download"' in page


def test_a_change_after_a_restart_is_refused_with_409_and_the_way_back(paying_a, tenant_a, boss_a, client_for,
                                                                      stripe_server):
    client = client_for(tenant_a, boss_a)
    restart_localstripe(stripe_server)
    change = client.post("/api/v1/billing/change/", {"plan": "team", "seats": 4}, content_type="application/json")
    assert change.status_code == 409
    assert "Enter the card again" in change.json()["detail"] and change.json()["code"] == "payment_service"
    assert client.post("/billing/cancel/").status_code == 302  # page: a message, not a 500
    assert client.post("/api/v1/billing/card/", GOOD_CARD, content_type="application/json").status_code == 200
    done = client.post("/api/v1/billing/subscribe/", {"plan": "team", "seats": 4}, content_type="application/json")
    assert done.status_code == 200 and done.json()["subscription"]["seats"] == 4


def test_a_customer_deleted_at_stripe_is_replaced_when_the_card_is_entered(paying_a, tenant_a, boss_a, client_for):
    mirror = Subscription.objects.get(tenant=paying_a)
    stripe_api.configure()
    stripe.Customer.delete(mirror.stripe_customer_id)
    client = client_for(tenant_a, boss_a)
    page = client.get("/billing/")
    assert page.status_code == 200 and "Enter the card again" in page.content.decode()
    assert client.post("/billing/card/", GOOD_CARD).status_code == 302
    mirror.refresh_from_db()
    assert mirror.stripe_customer_id and stripe_api.customer_exists(mirror.stripe_customer_id)


def test_stripe_unreachable_gives_messages_and_503_never_500(paying_a, tenant_a, boss_a, client_for, stripe_down):
    client = client_for(tenant_a, boss_a)
    before = Subscription.objects.get(tenant=paying_a)
    page = client.get("/billing/")
    assert page.status_code == 200 and "could not be reached" in page.content.decode()
    assert "The invoices cannot be shown right now" in page.content.decode()
    paid = client.post("/billing/pay/", follow=True)
    assert paid.status_code == 200 and "could not be reached" in paid.content.decode()
    card = client.post("/billing/card/", GOOD_CARD)
    assert card.status_code == 400 and "could not be reached" in card.content.decode()
    for path, body in (("invoices/", None), ("change/", {"plan": "team", "seats": 4}), ("cancel/", {"cancel": True})):
        response = (client.get(f"/api/v1/billing/{path}") if body is None else
                    client.post(f"/api/v1/billing/{path}", body, content_type="application/json"))
        assert response.status_code == 503 and response["Retry-After"] == "60"
        assert "could not be reached" in response.json()["detail"]
    download = client.get("/billing/invoices/in_123/")  # a Stripe call no operation guards: the last guard
    assert download.status_code == 503 and "could not be reached" in download.content.decode()
    after = Subscription.objects.get(tenant=paying_a)
    assert (after.stripe_customer_id, after.stripe_subscription_id, after.seats, after.cancel_at_period_end) == (
        before.stripe_customer_id, before.stripe_subscription_id, before.seats, before.cancel_at_period_end)


def test_a_webhook_while_stripe_is_unreachable_gets_503_and_is_taken_again_later(public_client, paying_a, settings):
    mirror = Subscription.objects.get(tenant=paying_a)
    payload = event("evt_later", "customer.subscription.updated", {
        "id": mirror.stripe_subscription_id, "object": "subscription", "customer": mirror.stripe_customer_id})
    up = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    response = post(public_client, payload)
    assert response.status_code == 503  # Stripe delivers it again
    assert not StripeEvent.objects.filter(event_id="evt_later").exists()
    settings.STRIPE_API_BASE = up
    assert post(public_client, payload).json()["result"] == "reconciled"


def test_a_webhook_about_a_subscription_stripe_has_lost_is_acknowledged(public_client, paying_a, stripe_server):
    mirror = Subscription.objects.get(tenant=paying_a)
    payload = event("evt_lost", "customer.subscription.updated", {
        "id": mirror.stripe_subscription_id, "object": "subscription", "customer": mirror.stripe_customer_id})
    restart_localstripe(stripe_server)
    assert post(public_client, payload).status_code == 200
    assert Subscription.objects.get(tenant=paying_a).stripe_subscription_id == ""
    assert services.invoices(paying_a) == []
