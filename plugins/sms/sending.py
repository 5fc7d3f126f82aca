"""Delivery of logged messages: the one place that calls a provider (SMS-01).

Idempotency: a message is claimed by one conditional UPDATE (queued/retrying -> sending) that
commits before the provider is called, so two runs of the task (a redelivery after a timeout,
a retry racing the first attempt, the same task sent twice) cannot both send it. A run that
finds the message already "sending" knows an earlier attempt was interrupted after the claim
(worker crash, the request possibly at the provider): it marks it "interrupted (not resent)"
instead of risking a second SMS. Only errors that prove the provider did not take the message
(it said so, or the connection was refused) are retried, with back-off; a request that got no
answer (read timeout, connection cut) is never retried, for the same reason. None of the three
providers de-duplicates on its side; the out-id (Aliyun ``OutId``, Tencent ``SessionContext``)
lets their records be matched with the log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from plugins.sms.models import OptOut, SmsMessage

logger = logging.getLogger(__name__)

# A message queued for "now" whose task never reached the broker (the process died between the
# commit and the enqueue) is picked up by the beat tick after this long.
STRANDED_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_in: int | None = None


def enqueue(message_ids: list[int]) -> None:
    """Send these messages once the current transaction commits."""
    if not message_ids:
        return
    from plugins.sms.tasks import send_message

    def send() -> None:
        SmsMessage.objects.filter(pk__in=message_ids).update(enqueued_at=timezone.now())
        for pk in message_ids:
            send_message.delay(pk)

    transaction.on_commit(send)


def dispatch_due(now=None) -> int:
    """Queue scheduled messages whose time has come, and "now" messages whose enqueue was lost;
    each once (``enqueued_at`` is set under a row lock)."""
    now = now or timezone.now()
    due_q = Q(scheduled_at__lte=now) | Q(scheduled_at__isnull=True, created_at__lte=now - STRANDED_AFTER)
    with transaction.atomic():
        due = list(
            SmsMessage.objects.select_for_update(skip_locked=True)
            .filter(due_q, status=SmsMessage.Status.QUEUED, enqueued_at__isnull=True)
            .values_list("pk", flat=True)[:1000]
        )
        if due:
            SmsMessage.objects.filter(pk__in=due).update(enqueued_at=now)
            from plugins.sms.tasks import send_message

            transaction.on_commit(lambda: [send_message.delay(pk) for pk in due])
    return len(due)


def _claim(message_id: int) -> bool:
    claimable = Q(status=SmsMessage.Status.QUEUED) | Q(status=SmsMessage.Status.RETRYING)
    return bool(SmsMessage.objects.filter(claimable, pk=message_id).update(
        status=SmsMessage.Status.SENDING, attempts=F("attempts") + 1,
    ))


def _finish(message: SmsMessage, status: str, **fields) -> bool:
    """Record the attempt's end; only the run that holds the claim can."""
    return bool(SmsMessage.objects.filter(pk=message.pk, status=SmsMessage.Status.SENDING).update(status=status,
                                                                                                  **fields))


def deliver(message_id: int) -> Outcome:
    from plugins.sms import providers
    from plugins.sms.services import gateway_settings, refund

    if not _claim(message_id):
        message = SmsMessage.objects.filter(pk=message_id).first()
        if message is None:
            return Outcome("missing")
        if message.status == SmsMessage.Status.SENDING:
            SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.SENDING).update(
                status=SmsMessage.Status.UNKNOWN,
                error_code="INTERRUPTED",
                error_message="An earlier attempt was interrupted after it started; not resent so the "
                              "recipient cannot get the message twice.",
            )
            return Outcome(SmsMessage.Status.UNKNOWN)
        return Outcome(message.status)  # sent, failed, skipped, unknown: nothing to do
    message = SmsMessage.objects.select_related("template").get(pk=message_id)
    if OptOut.objects.filter(number=message.number).exists():  # opted out after it was queued
        if _finish(message, SmsMessage.Status.SKIPPED, cost_minor=0, error_message="Opted out before it was sent."):
            refund(message)
        return Outcome(SmsMessage.Status.SKIPPED)
    config = gateway_settings()
    result = providers.send(message, config)
    if result.ok:
        _finish(message, SmsMessage.Status.SENT, provider=config.provider, provider_message_id=result.message_id[:100],
                sent_at=timezone.now(), error_code="", error_message="")
        return Outcome(SmsMessage.Status.SENT)
    logger.warning("SMS %s: provider %s answered %s %s", message_id, config.provider, result.error_code,
                   result.error_message)
    error = {"provider": config.provider, "error_code": result.error_code[:100],
             "error_message": result.error_message[:2000]}
    if result.ambiguous:
        _finish(message, SmsMessage.Status.UNKNOWN, **error)
        return Outcome(SmsMessage.Status.UNKNOWN)
    from plugins.sms.tasks import MAX_RETRIES

    if result.retryable and message.attempts <= MAX_RETRIES:
        _finish(message, SmsMessage.Status.RETRYING, **error)
        base = int(getattr(settings, "SMS_RETRY_BASE_SECONDS", 30))
        return Outcome(SmsMessage.Status.RETRYING, retry_in=base * 2 ** (message.attempts - 1))
    with transaction.atomic():
        if _finish(message, SmsMessage.Status.FAILED, cost_minor=0, **error):
            refund(message)
    return Outcome(SmsMessage.Status.FAILED)
