"""Delivery of logged messages: the one place that calls a provider (SMS-01).

Idempotency: a message is claimed by one conditional UPDATE (queued/retrying -> sending) that
commits before the provider is called, so two runs of the task (a redelivery after a timeout,
a retry racing the first attempt) cannot both send it. A run that finds the message already
"sending" knows an earlier attempt was interrupted after the claim (worker crash, timeout with
the request possibly at the provider): it marks it "interrupted (not resent)" instead of risking
a second SMS. Only errors that prove the provider did not take the message (it said so, or the
connection was refused) are retried, with back-off.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from plugins.sms.models import SmsMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_in: int | None = None


def enqueue(message_ids: list[int]) -> None:
    """Send these messages once the current transaction commits."""
    from plugins.sms.tasks import send_message

    def send() -> None:
        SmsMessage.objects.filter(pk__in=message_ids).update(enqueued_at=timezone.now())
        for pk in message_ids:
            send_message.delay(pk)

    transaction.on_commit(send)


def dispatch_due(now=None) -> int:
    """Queue scheduled messages whose time has come (each once: ``enqueued_at`` is set atomically)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            SmsMessage.objects.select_for_update(skip_locked=True)
            .filter(status=SmsMessage.Status.QUEUED, enqueued_at__isnull=True, scheduled_at__lte=now)
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


def deliver(message_id: int) -> Outcome:
    from plugins.sms import providers
    from plugins.sms.services import gateway_settings

    if not _claim(message_id):
        message = SmsMessage.objects.filter(pk=message_id).first()
        if message is None:
            return Outcome("missing")
        if message.status == SmsMessage.Status.SENDING:
            SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.SENDING).update(
                status=SmsMessage.Status.UNKNOWN,
                error_message="An earlier attempt was interrupted after it started; not resent so the "
                              "recipient cannot get the message twice.",
            )
            return Outcome(SmsMessage.Status.UNKNOWN)
        return Outcome(message.status)  # sent, failed, skipped: nothing to do
    message = SmsMessage.objects.select_related("template").get(pk=message_id)
    config = gateway_settings()
    result = providers.for_settings(config).send(message, config)
    if result.ok:
        SmsMessage.objects.filter(pk=message_id).update(
            status=SmsMessage.Status.SENT, provider=config.provider, provider_message_id=result.message_id[:100],
            sent_at=timezone.now(), error_code="", error_message="",
        )
        return Outcome(SmsMessage.Status.SENT)
    retry = result.retryable and message.attempts <= _max_retries()
    SmsMessage.objects.filter(pk=message_id).update(
        status=SmsMessage.Status.RETRYING if retry else SmsMessage.Status.FAILED,
        provider=config.provider, error_code=result.error_code[:100], error_message=result.error_message,
    )
    logger.warning("SMS %s: provider %s answered %s %s", message_id, config.provider, result.error_code,
                   result.error_message)
    if retry:
        from plugins.sms.tasks import RETRY_BASE_SECONDS

        return Outcome(SmsMessage.Status.RETRYING, retry_in=RETRY_BASE_SECONDS * 2 ** (message.attempts - 1))
    return Outcome(SmsMessage.Status.FAILED)


def _max_retries() -> int:
    from plugins.sms.tasks import MAX_RETRIES

    return MAX_RETRIES
