"""Delivery of logged messages: the one place that calls a provider (SMS-01).

The sending core's send-record protocol (``saas_core.sending.records.deliver``): a message is
claimed by one conditional UPDATE (queued/retrying -> sending) that commits before the provider
is called, so two runs of the task (a redelivery after a timeout, a retry racing the first
attempt, the same task sent twice) cannot both send it; a run that finds it already "sending"
marks it "interrupted (not resent)" instead of risking a second SMS; only errors that prove the
provider did not take the message are retried; a number suppressed since it was queued is
skipped and its parts given back. Sends are throttled per provider (``throttle``). None of the
three providers de-duplicates on its side; the out-id (Aliyun ``OutId``, Tencent
``SessionContext``) lets their records be matched with the log.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plugins.sms.models import Provider, SmsMessage, SmsSettings
from saas_core.sending import records, suppression, throttle
from saas_core.sending.models import Channel

logger = logging.getLogger(__name__)

# A message queued for "now" whose task never reached the broker (the process died between the
# commit and the enqueue) is picked up by the beat tick after this long.
STRANDED_AFTER = timedelta(minutes=5)

Outcome = records.Outcome


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


# Providers' published sending rates (per account). Operators override with SENDING_THROTTLES.
# Twilio has none here: it queues what exceeds a number's rate on its side instead of refusing it.
PROVIDER_LIMITS = {
    Provider.ALIYUN: throttle.Limits.parse(per_second="500/s"),
    Provider.TENCENT: throttle.Limits.parse(per_second="3000/s"),
}


def channel_for(config: SmsSettings) -> records.Channel:
    """How the core delivers this company's texts, under these settings."""
    from plugins.sms import providers
    from plugins.sms.services import refund
    from plugins.sms.tasks import MAX_RETRIES

    transport = f"sms:{config.provider}"
    return records.Channel(
        model=SmsMessage,
        transmit=lambda message: providers.send(message, config),
        recipient=lambda message: message.number,
        suppressed=lambda message: suppression.is_suppressed(Channel.SMS, message.number),
        transport=lambda: transport,
        limits=lambda: throttle.limits_for(transport, PROVIDER_LIMITS.get(config.provider, throttle.NONE)),
        on_not_sent=refund,
        skipped_message="Opted out before it was sent.",
        not_sent_fields={"cost_minor": 0},
        max_retries=MAX_RETRIES,
        retry_base=lambda: int(getattr(settings, "SMS_RETRY_BASE_SECONDS", 30)),
        select_related=("template",),
        provider_field="provider",
        provider_name=lambda: config.provider,
    )


def deliver(message_id: int) -> records.Outcome:
    from plugins.sms.services import gateway_settings

    return records.deliver(channel_for(gateway_settings()), message_id)
