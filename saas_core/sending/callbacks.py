"""Signed inbound callbacks (delivery reports, bounces, complaints): acknowledged fast, processed after.

A provider posts to ``/sending/callbacks/<kind>/`` on the company's host. The kind's handler,
registered by the module that owns it, checks the signature (a forged or altered request gets
404 and nothing is stored); the request is stored as it came and answered 200 at once, and a
Celery task processes it after the commit. Providers retry a callback that is slow or fails,
so handlers are idempotent (the stored row is taken with ``SELECT … FOR UPDATE SKIP LOCKED``
and marked done in the same transaction as its effects; a repeated callback changes nothing).
A callback whose task was lost is picked up by the beat sweep.

    from saas_core.sending import callbacks

    callbacks.register(callbacks.Handler(kind="edm-bounce", verify=..., process=..., enabled=...))

``sign``/``verify_hmac`` give the common scheme (HMAC-SHA256 over ``timestamp.body`` with a
timestamp tolerance) for providers and our own signed links.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from saas_core.sending.models import InboundCallback

logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
TOLERANCE_SECONDS = 300
STRANDED_AFTER = timedelta(minutes=2)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Handler:
    kind: str
    verify: Callable[[object], bool]  # request -> is the signature right (with this company's secret)
    process: Callable[[InboundCallback], None]  # runs in the task, inside the row's transaction
    # Whether the kind is on for this request's company (an optional module's: 404 where it is off);
    # given by the module, so this core never imports the module platform.
    enabled: Callable[[object], bool] = lambda request: True


_handlers: dict[str, Handler] = {}


def register(handler: Handler) -> Handler:
    _handlers[handler.kind] = handler
    return handler


def handler(kind: str) -> Handler | None:
    return _handlers.get(kind)


def sign(secret: str | bytes, body: bytes, timestamp: int | None = None) -> str:
    """``t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`` (Stripe's shape, well understood)."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    key = secret.encode() if isinstance(secret, str) else secret
    mac = hmac.new(key, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_hmac(secret: str | bytes, body: bytes, header: str, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """True when ``header`` is ``sign(secret, body)`` made within ``tolerance`` seconds."""
    if not secret or not header:
        return False
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def receive(kind: str, body: bytes, headers: dict[str, str]) -> InboundCallback:
    """Store a verified callback and queue its processing after the commit."""
    with transaction.atomic():
        row = InboundCallback.objects.create(kind=kind, body=body.decode("utf-8", "replace"), headers=headers)
        transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def _enqueue(pk: int) -> None:
    from saas_core.sending.tasks import process_callback

    process_callback.delay(pk)


def process(pk: int) -> str:
    """Process one stored callback once (idempotent; a failure is kept with its error and retried)."""
    with transaction.atomic():
        row = (InboundCallback.objects.select_for_update(skip_locked=True)
               .filter(pk=pk, status=InboundCallback.Status.PENDING).first())
        if row is None:
            return "done-or-busy"
        found = handler(row.kind)
        if found is None:
            row.status, row.error = InboundCallback.Status.FAILED, "no handler"
            row.save(update_fields=["status", "error"])
            return row.status
        row.attempts += 1
        try:
            with transaction.atomic():  # the handler's effects, all or none
                found.process(row)
        except Exception as exc:  # noqa: BLE001 - kept on the row, retried by the sweep
            logger.exception("inbound callback %s (%s) failed", row.pk, row.kind)
            row.error = f"{type(exc).__name__}: {exc}"[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.status = InboundCallback.Status.FAILED
            row.save(update_fields=["status", "error", "attempts"])
            return "error"
        row.status, row.processed_at, row.error = InboundCallback.Status.DONE, timezone.now(), ""
        row.save(update_fields=["status", "processed_at", "error", "attempts"])
        return row.status


def sweep(now=None) -> int:
    """Process callbacks still pending a while after they came (their task was lost, or failed)."""
    now = now or timezone.now()
    pending = list(InboundCallback.objects.filter(status=InboundCallback.Status.PENDING,
                                                  received_at__lte=now - STRANDED_AFTER)
                   .values_list("pk", flat=True)[:500])
    for pk in pending:
        process(pk)
    return len(pending)
