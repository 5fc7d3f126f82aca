"""The one place that talks to Stripe (the real ``stripe`` library), and where localstripe differs.

Locally and in tests ``STRIPE_API_BASE`` points at a localstripe server. It implements the
calls used here, with these gaps, each handled below rather than by mocking our own code:

- a subscription has exactly one item: add-on modules are their own subscriptions (one item
  each) on the company's customer, in Stripe and in localstripe alike;
- ``proration_behavior`` on a subscription update is refused, and an update that changes the
  plan or quantity books an "Unused time" credit of the whole previous invoice; we compute
  prorations ourselves (``billing.proration``), so with localstripe that credit is removed;
- a failed renewal leaves the subscription ``active`` with an open invoice (Stripe says
  ``past_due``): ``payment_overdue`` looks at both;
- no Checkout, no Prices, no invoice PDFs: cards are tokenised server-side with test numbers
  and invoices are rendered by us.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import stripe
from django.conf import settings

log = logging.getLogger(__name__)

OUR_ITEM = "crm"  # metadata key on the invoice items we create (prorations)


def configure() -> None:
    """Point the library at Stripe or at localstripe (read per call: tests change settings)."""
    stripe.api_key = settings.STRIPE_API_KEY
    stripe.api_base = settings.STRIPE_API_BASE or "https://api.stripe.com"
    stripe.max_network_retries = 0 if uses_localstripe() else 2


def uses_localstripe() -> bool:
    base = settings.STRIPE_API_BASE
    return bool(base) and "api.stripe.com" not in base


def ensure_product(product_id: str, name: str, metadata: dict[str, str]) -> None:
    configure()
    try:
        stripe.Product.retrieve(product_id)
    except stripe.InvalidRequestError:
        stripe.Product.create(id=product_id, name=name, metadata=metadata)
    else:
        stripe.Product.modify(product_id, name=name, metadata=metadata)


def ensure_plan(plan_id: str, product_id: str, amount: int, currency: str, interval: str) -> None:
    """Stripe plans cannot change price, so the id names the price: same id, same plan."""
    configure()
    try:
        stripe.Plan.retrieve(plan_id)
    except stripe.InvalidRequestError:
        stripe.Plan.create(id=plan_id, product=product_id, amount=amount, currency=currency.lower(),
                           interval=interval)


def is_missing(exc: stripe.StripeError) -> bool:
    """Stripe says the object does not exist (``resource_missing``; localstripe: a bare 404)."""
    return isinstance(exc, stripe.InvalidRequestError) and (exc.code == "resource_missing" or exc.http_status == 404)


def customer_exists(customer_id: str) -> bool:
    """False when Stripe does not know the customer or it was deleted there (localstripe restarted,
    or someone deleted it in the dashboard)."""
    configure()
    try:
        found = stripe.Customer.retrieve(customer_id)
    except stripe.InvalidRequestError as exc:
        if is_missing(exc):
            return False
        raise
    return not getattr(found, "deleted", False)


def subscription_exists(subscription_id: str) -> bool:
    configure()
    try:
        stripe.Subscription.retrieve(subscription_id)
    except stripe.InvalidRequestError as exc:
        if is_missing(exc):
            return False
        raise
    return True


def ensure_customer(customer_id: str, *, name: str, email: str, tenant_id: int) -> str:
    """The company's customer at Stripe: the one we have, or a new one when Stripe no longer has it."""
    configure()
    if customer_id and customer_exists(customer_id):
        return customer_id
    if customer_id:
        log.warning("Stripe customer %s of tenant %s is gone; creating a new one", customer_id, tenant_id)
    return stripe.Customer.create(name=name, email=email, metadata={"tenant_id": str(tenant_id)}).id


def attach_test_card(customer_id: str, *, number: str, exp_month: int, exp_year: int, cvc: str) -> dict:
    """Tokenise a card server-side and make it the customer's default.

    Only test keys may send raw card numbers; production collects the card with Stripe.js
    (Elements / SetupIntent) in the browser and sends us only the payment method id.
    """
    configure()
    method = stripe.PaymentMethod.create(
        type="card", card={"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}
    )
    stripe.PaymentMethod.attach(method.id, customer=customer_id)
    stripe.Customer.modify(customer_id, invoice_settings={"default_payment_method": method.id})
    card = method.card
    return {"id": method.id, "brand": card.brand, "last4": card.last4}


def create_subscription(customer_id: str, plan_id: str, quantity: int, metadata: dict[str, str]):
    """Start a subscription and charge its first period now; a declined card raises CardError.

    Stripe raises at once (``error_if_incomplete``); localstripe leaves an ``incomplete``
    subscription with an open invoice, which is removed here and reported the same way.
    """
    configure()
    created = stripe.Subscription.create(
        customer=customer_id, items=[{"plan": plan_id, "quantity": quantity}], metadata=metadata,
        payment_behavior="error_if_incomplete", expand=["latest_invoice"],
    )
    if created.status == "incomplete":
        invoice = created.latest_invoice
        stripe.Subscription.cancel(created.id)
        if invoice is not None and invoice.status == "open":
            stripe.Invoice.void_invoice(invoice.id)
        raise stripe.CardError("Your card was declined.", param="card", code="card_declined")
    return created


def retrieve_subscription(subscription_id: str):
    configure()
    return stripe.Subscription.retrieve(subscription_id, expand=["latest_invoice"])


def change_subscription(subscription_id: str, plan_id: str, quantity: int):
    """Switch plan/quantity now, without Stripe's own prorations (we add ours)."""
    configure()
    current = stripe.Subscription.retrieve(subscription_id)
    items = [{"id": current["items"].data[0].id, "plan": plan_id, "quantity": quantity}]
    if uses_localstripe():
        updated = stripe.Subscription.modify(subscription_id, items=items)
        _drop_localstripe_credits(current.customer)
        return updated
    return stripe.Subscription.modify(subscription_id, items=items, proration_behavior="none")


def _drop_localstripe_credits(customer_id: str) -> None:
    for item in stripe.InvoiceItem.list(customer=customer_id, limit=100).data:
        if item.invoice is None and OUR_ITEM not in _metadata(item):
            stripe.InvoiceItem.delete(item.id)


def set_cancel_at_period_end(subscription_id: str, cancel: bool):
    configure()
    return stripe.Subscription.modify(subscription_id, cancel_at_period_end=cancel)


def cancel_now(subscription_id: str) -> None:
    configure()
    try:
        stripe.Subscription.cancel(subscription_id)
    except stripe.InvalidRequestError:
        log.warning("subscription %s was already gone at Stripe", subscription_id)


def _metadata(obj) -> dict:
    """A Stripe object's metadata as a dict (stripe 16's StripeObject has no ``get``)."""
    found = getattr(obj, "metadata", None)
    return found.to_dict() if hasattr(found, "to_dict") else dict(found or {})


def refund_subscription_payments(subscription_id: str, *, description: str, metadata: dict[str, str],
                                 part: str = "", share: Callable[[Any], int] | None = None) -> dict[str, int]:
    """Refund to the card whatever is still unrefunded of every paid invoice of a subscription;
    returns {currency: minor units refunded now}. What Stripe has refunded already is subtracted,
    so a second run (or a run after a crash half-way) refunds nothing twice. An invoice paid
    without a card payment (by credit) gets a credit on the customer's next invoice instead, once.

    With ``part`` and ``share`` only a part of each invoice is given back: ``share(invoice)`` minor
    units, less what was refunded already under the same ``part`` (recorded in the refunds'
    metadata), and never more than is left unrefunded of the invoice."""
    configure()
    refunded: dict[str, int] = {}
    for invoice in stripe.Invoice.list(subscription=subscription_id, limit=100).data:
        if invoice.status != "paid" or not invoice.amount_paid:
            continue
        wanted = invoice.amount_paid if share is None else min(share(invoice), invoice.amount_paid)
        if invoice.payment_intent:
            refunds = stripe.Refund.list(payment_intent=invoice.payment_intent, limit=100).data
            already = sum(r.amount for r in refunds)
            mine = sum(r.amount for r in refunds if _metadata(r).get("part", "") == part) if part else already
            amount = min(wanted - mine, invoice.amount_paid - already)
            if amount > 0:
                stripe.Refund.create(payment_intent=invoice.payment_intent, amount=amount,
                                     metadata={**metadata, "invoice": invoice.id, **({"part": part} if part else {})})
        else:
            marker = {OUR_ITEM: "refund", "invoice": invoice.id, **({"part": part} if part else {})}
            booked = [i for i in stripe.InvoiceItem.list(customer=invoice.customer, limit=100).data
                      if _metadata(i).get("invoice") == invoice.id and _metadata(i).get("part", "") == part]
            amount = 0 if booked else wanted
            if amount:
                stripe.InvoiceItem.create(customer=invoice.customer, amount=-amount, currency=invoice.currency,
                                          description=description,
                                          metadata={**metadata, **marker})
        if amount > 0:
            refunded[invoice.currency] = refunded.get(invoice.currency, 0) + amount
    return refunded


def add_proration_item(customer_id: str, subscription_id: str, amount: int, currency: str, description: str) -> None:
    """A pending invoice item (a charge, or a credit when negative) for the next invoice."""
    configure()
    fields: dict[str, Any] = {"customer": customer_id, "amount": amount, "currency": currency.lower(),
                              "description": description, "metadata": {OUR_ITEM: "proration"}}
    if not uses_localstripe():
        fields["subscription"] = subscription_id
    stripe.InvoiceItem.create(**fields)


def payment_overdue(subscription) -> bool:
    """Stripe marks a failed renewal ``past_due``; localstripe leaves an open, attempted invoice."""
    if subscription.status in ("past_due", "unpaid"):
        return True
    invoice = subscription.latest_invoice
    if isinstance(invoice, str) and invoice:
        invoice = stripe.Invoice.retrieve(invoice)
    return bool(invoice) and invoice.status == "open" and bool(invoice.attempted) and invoice.amount_due > 0


def list_invoices(customer_id: str) -> list:
    configure()
    if not customer_id:
        return []
    return list(stripe.Invoice.list(customer=customer_id, limit=100).data)


def retrieve_invoice(invoice_id: str):
    configure()
    return stripe.Invoice.retrieve(invoice_id)


def pay_invoice(invoice_id: str):
    configure()
    return stripe.Invoice.pay(invoice_id)


def verified_payload(payload: bytes, signature: str) -> object:
    """The webhook body, parsed, once its signature is verified and its time is within the
    tolerance either way: the library refuses only old timestamps (replays), and a timestamp far in
    the future is as suspect (a clock we cannot trust, or a signature made to be replayed later).
    Raises ``stripe.SignatureVerificationError`` or ``ValueError`` (not JSON, not UTF-8)."""
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE
    stripe.WebhookSignature.verify_header(payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance)
    stamp = int(next(part[2:] for part in signature.split(",") if part.startswith("t=")))
    if stamp > time.time() + tolerance:
        raise stripe.SignatureVerificationError(f"Timestamp in the future beyond the tolerance ({stamp})",
                                                signature, payload)
    return json.loads(payload)
