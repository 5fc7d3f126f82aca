"""The sending core's Celery tasks (each runs in the schema of the tenant that queued it)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, name="saas_core.sending.tasks.process_callback")
def process_callback(callback_id: int) -> str:
    """Process one stored inbound callback; idempotent (a second run finds it done)."""
    from saas_core.sending import callbacks

    return callbacks.process(callback_id)


@shared_task(name="saas_core.sending.tasks.sweep_callbacks")
def sweep_callbacks() -> int:
    from saas_core.sending import callbacks

    return callbacks.sweep()


@shared_task(name="saas_core.sending.tasks.sweep_callbacks_all_tenants")
def sweep_callbacks_all_tenants() -> int:
    """Every few minutes: callbacks whose processing task was lost, in every live tenant."""
    from saas_core.tenancy import fan_out

    return fan_out(sweep_callbacks)
