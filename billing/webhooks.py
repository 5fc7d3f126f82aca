"""Stripe's webhook endpoint on the public host: verified, stored once, applied by reconcile."""

from __future__ import annotations

import logging

import stripe
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import services, stripe_api
from billing.models import StripeEvent
from saas_core.net import client_ip

log = logging.getLogger(__name__)


# Longest id we store (StripeEvent.event_id / object_id); Stripe's ids are far shorter.
MAX_ID = 255
MAX_TYPE = 100


def _text(value, name: str, *, limit: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value or len(value) > limit or "\x00" in value:
        raise ValueError(f"{name} must be a non-empty string of at most {limit} characters")
    return value


def checked_event(data) -> dict:
    """The fields of an event we read, each of the type Stripe sends; ValueError names the first
    that is not. A signed body can still be malformed (a bug or a leaked secret): it gets a 400."""
    if not isinstance(data, dict):
        raise ValueError("the event is not a JSON object")
    _text(data.get("id"), "id", limit=MAX_ID)
    _text(data.get("type"), "type", limit=MAX_TYPE)
    inner = data.get("data")
    if not isinstance(inner, dict) or not isinstance(inner.get("object"), dict):
        raise ValueError("data.object must be an object")
    obj = inner["object"]
    for key in ("id", "object", "customer", "subscription"):
        _text(obj.get(key), f"data.object.{key}", limit=MAX_ID, required=False)
    return data


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """400 for a forged, altered or stale (older than 300 s: a replay; or as far in the future)
    signature, or a malformed body, logged and recorded nowhere; 200 for an event id seen before
    (acknowledged, not applied again)."""
    try:
        event = stripe_api.verified_payload(request.body, request.headers.get("Stripe-Signature", ""))
    except (ValueError, RecursionError, stripe.SignatureVerificationError) as exc:
        log.warning("refused a Stripe webhook from %s: %s", client_ip(request), exc)
        return HttpResponseBadRequest("invalid payload or signature")
    try:
        event = checked_event(event)
    except ValueError as exc:
        log.warning("refused a malformed Stripe webhook from %s: %s", client_ip(request), exc)
        return HttpResponseBadRequest(f"malformed event: {exc}")
    obj = event["data"]["object"]
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(event_id=event["id"], type=event["type"], object_id=obj.get("id") or "")
        except IntegrityError:
            log.info("duplicate Stripe event %s ignored", event["id"])
            return JsonResponse({"received": True, "duplicate": True})
        result = services.handle_event(event)
    return JsonResponse({"received": True, "result": result})
