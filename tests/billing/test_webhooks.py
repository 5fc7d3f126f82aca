"""The webhook endpoint: signatures, replays, duplicates, out-of-order events, real delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

import pytest
import stripe

from billing import services, stripe_api
from billing.models import StripeEvent, Subscription
from tenants.models import Tenant
from tests.billing.conftest import DECLINED_CARD, GOOD_CARD
from tests.conftest import STRIPE_WEBHOOK_SECRET, in_tenant

URL = "/stripe/webhook/"


def signed(payload: dict, *, secret: str = STRIPE_WEBHOOK_SECRET, at: int | None = None) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    at = at or int(time.time())
    signature = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={at},v1={signature}"


def event(event_id: str, kind: str, obj: dict) -> dict:
    return {"id": event_id, "object": "event", "type": kind, "created": int(time.time()), "data": {"object": obj}}


def post(client, payload: dict, **kwargs):
    body, header = signed(payload, **kwargs)
    return client.post(URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def sub_object(subscription: Subscription, status: str) -> dict:
    return {"id": subscription.stripe_subscription_id, "object": "subscription", "status": status,
            "customer": subscription.stripe_customer_id}


def test_forged_and_stale_signatures_are_refused_and_logged(public_client, stripe_server, caplog):
    payload = event("evt_forged", "customer.subscription.updated", {"id": "sub_x", "object": "subscription"})
    assert post(public_client, payload, secret="whsec_wrong").status_code == 400
    assert post(public_client, payload, at=int(time.time()) - 301).status_code == 400  # a replay, 5 min on
    body, header = signed(payload)
    tampered = body.replace(b"sub_x", b"sub_y")
    assert public_client.post(URL, tampered, content_type="application/json",
                              HTTP_STRIPE_SIGNATURE=header).status_code == 400
    assert public_client.post(URL, body, content_type="application/json").status_code == 400
    assert "refused a Stripe webhook" in caplog.text
    assert not StripeEvent.objects.filter(event_id="evt_forged").exists()


def test_a_timestamp_in_the_future_is_refused_like_a_stale_one(public_client, stripe_server, caplog):
    payload = event("evt_future", "customer.subscription.updated", {"id": "sub_x", "object": "subscription"})
    assert post(public_client, payload, at=int(time.time()) + 3600).status_code == 400
    assert post(public_client, payload, at=int(time.time()) + 301).status_code == 400
    assert "in the future" in caplog.text
    assert not StripeEvent.objects.filter(event_id="evt_future").exists()
    assert post(public_client, payload, at=int(time.time()) + 60).status_code == 200  # clocks differ a little


GOOD = event("evt_shape", "invoice.paid", {"id": "in_1", "object": "invoice", "customer": "cus_x"})


@pytest.mark.parametrize("body", [
    [GOOD],
    "evt_shape",
    None,
    {k: v for k, v in GOOD.items() if k != "id"},
    {**GOOD, "id": "evt_" + "x" * 300},
    {**GOOD, "id": 12345},
    {**GOOD, "id": "evt_\x00nul"},
    {**GOOD, "type": ["invoice.paid"]},
    {**GOOD, "data": None},
    {**GOOD, "data": {"object": None}},
    {**GOOD, "data": {"object": ["in_1"]}},
    {**GOOD, "data": {"object": {"id": {"nested": 1}, "object": "invoice"}}},
    {**GOOD, "data": {"object": {"id": "in_1", "object": "invoice", "customer": 7}}},
    {**GOOD, "data": {"object": {"id": "in_1", "object": "invoice", "subscription": "sub_" + "y" * 300}}},
], ids=["array", "string", "null", "no id", "long id", "numeric id", "nul in id", "list type", "null data",
        "null object", "array object", "object id an object", "numeric customer", "long subscription"])
def test_a_signed_but_malformed_body_is_refused_with_400_and_recorded_nowhere(public_client, stripe_server, body,
                                                                               caplog):
    before = StripeEvent.objects.count()
    response = post(public_client, body)
    assert response.status_code == 400
    assert b"malformed event" in response.content
    assert "refused a malformed Stripe webhook" in caplog.text
    assert StripeEvent.objects.count() == before


def test_a_signed_body_that_is_not_json_is_refused(public_client, stripe_server):
    at = int(time.time())
    for body in (b"{not json", b"\xff\xfe"):
        signature = hmac.new(STRIPE_WEBHOOK_SECRET.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
        response = public_client.post(URL, body, content_type="application/json",
                                      HTTP_STRIPE_SIGNATURE=f"t={at},v1={signature}")
        assert response.status_code == 400


def test_duplicate_event_is_acknowledged_and_applied_once(public_client, paying_a):
    subscription = Subscription.objects.get(tenant=paying_a)
    payload = event("evt_dup_1", "customer.subscription.updated", sub_object(subscription, "active"))
    first = post(public_client, payload)
    assert first.status_code == 200 and first.json()["result"] == "reconciled"
    second = post(public_client, payload)
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert StripeEvent.objects.filter(event_id="evt_dup_1").count() == 1


def test_an_old_failure_arriving_after_the_payment_does_not_move_the_company_back(public_client, paying_a, tenant_a):
    """invoice.payment_failed, then invoice.paid, delivered the other way round."""
    subscription = Subscription.objects.get(tenant=paying_a)
    services.save_card(paying_a, **DECLINED_CARD)
    stripe_api.configure()
    invoice = stripe.Invoice.create(customer=subscription.stripe_customer_id,
                                    subscription=subscription.stripe_subscription_id)
    stripe.Invoice.pay(invoice.id)  # fails: the company is now overdue at Stripe
    services.save_card(paying_a, **GOOD_CARD)
    stripe.Invoice.pay(invoice.id)  # paid with the new card
    inv = {"id": invoice.id, "object": "invoice", "customer": subscription.stripe_customer_id,
           "subscription": subscription.stripe_subscription_id}
    assert post(public_client, event("evt_paid", "invoice.paid", {**inv, "status": "paid"})).status_code == 200
    assert post(public_client, event("evt_failed", "invoice.payment_failed", {**inv, "status": "open"})).status_code == 200
    paying_a.refresh_from_db()
    assert paying_a.status == Tenant.Status.ACTIVE


def test_a_stale_active_event_does_not_undo_a_failure(public_client, paying_a):
    subscription = Subscription.objects.get(tenant=paying_a)
    services.save_card(paying_a, **DECLINED_CARD)
    stripe_api.configure()
    invoice = stripe.Invoice.create(customer=subscription.stripe_customer_id,
                                    subscription=subscription.stripe_subscription_id)
    stripe.Invoice.pay(invoice.id)
    inv = {"id": invoice.id, "object": "invoice", "customer": subscription.stripe_customer_id,
           "subscription": subscription.stripe_subscription_id}
    post(public_client, event("evt_fail_2", "invoice.payment_failed", inv))
    post(public_client, event("evt_old_ok", "customer.subscription.updated", sub_object(subscription, "active")))
    paying_a.refresh_from_db()
    assert paying_a.status == Tenant.Status.PAST_DUE


def test_events_of_unknown_customers_are_acknowledged(public_client, stripe_server):
    response = post(public_client, event("evt_other", "invoice.paid",
                                         {"id": "in_1", "object": "invoice", "customer": "cus_nobody", "subscription": "sub_1"}))
    assert response.status_code == 200 and response.json()["result"] == "unknown customer"


@pytest.mark.live
def test_localstripe_delivers_webhooks_to_the_live_server(live_server_url, live_db, stripe_server):
    """A failed renewal at localstripe reaches our endpoint over HTTP and makes the company past due."""
    from tenants import provisioning
    from tests.factories import PlanFactory

    plan = PlanFactory(code="hooks", price_per_seat_minor=1000)
    try:
        ws = provisioning.create_workspace(company_name="Hooks", subdomain="hooks-live", admin_name="H",
                                           email="h@hooks.example.com", password="Correct-Horse-77", plan=plan)
        tenant = ws.tenant
        services.save_card(tenant, **GOOD_CARD)
        with in_tenant(type("T", (), {"schema": tenant.schema_name})()):
            services.subscribe(tenant, plan=plan, seats=1, modules=[])
        form = urllib.parse.urlencode({"url": live_server_url + URL, "secret": STRIPE_WEBHOOK_SECRET}).encode()
        urllib.request.urlopen(urllib.request.Request(stripe_server + "/_config/webhooks/crm", data=form), timeout=5)  # noqa: S310
        subscription = Subscription.objects.get(tenant=tenant)
        services.save_card(tenant, **DECLINED_CARD)
        stripe_api.configure()
        invoice = stripe.Invoice.create(customer=subscription.stripe_customer_id,
                                        subscription=subscription.stripe_subscription_id)
        stripe.Invoice.pay(invoice.id)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            tenant.refresh_from_db()
            # localstripe announces the failed renewal as invoice.created (+ payment_intent.payment_failed)
            delivered = StripeEvent.objects.filter(object_id=invoice.id).exists()
            if tenant.status == Tenant.Status.PAST_DUE and delivered:
                break
            time.sleep(0.3)
        assert tenant.status == Tenant.Status.PAST_DUE
        assert delivered  # only the live server's webhook handling could have moved it
    finally:
        StripeEvent.objects.all().delete()
        Subscription.objects.filter(plan=plan).delete()
        plan.delete()
