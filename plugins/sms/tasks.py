"""SMS Celery tasks, guarded by the module's enablement (``plugins.tasks.module_task``)."""

from __future__ import annotations

from celery import shared_task

from plugins.tasks import fan_out_module, module_task

# Provider errors that say "try later" are retried with back-off: SMS_RETRY_BASE_SECONDS (30 s),
# then twice as long each time, at most MAX_RETRIES times.
MAX_RETRIES = 5


@module_task("sms", bind=True, max_retries=MAX_RETRIES, acks_late=True)
def send_message(self, message_id: int):
    """Send one logged message; idempotent (a second run of the same message sends nothing)."""
    from plugins.sms import sending

    outcome = sending.deliver(message_id)
    if outcome.throttled:  # not attempted: the provider's rate is used up for now
        send_message.apply_async((message_id,), countdown=outcome.retry_in)
        return outcome.status
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@module_task("sms")
def dispatch_due() -> int:
    """Enqueue this tenant's scheduled messages whose time has come; returns how many."""
    from plugins.sms import sending

    return sending.dispatch_due()


@shared_task
def dispatch_due_all_tenants() -> int:
    """Beat, every minute: ``dispatch_due`` in every live tenant that has SMS on."""
    return fan_out_module(dispatch_due)
