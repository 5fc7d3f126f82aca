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


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """400 for a forged, altered or stale (older than 300 s: a replay) signature, logged;
    200 for an event id seen before (acknowledged, not applied again)."""
    try:
        event = stripe_api.construct_event(request.body, request.headers.get("Stripe-Signature", ""))
    except (ValueError, stripe.SignatureVerificationError) as exc:
        log.warning("refused a Stripe webhook from %s: %s", client_ip(request), exc)
        return HttpResponseBadRequest("invalid payload or signature")
    event = event.to_dict()
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
