"""Periodic work of contracts (Celery; autodiscovered)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="saas_core.contracts.tasks.remind_renewals")
def remind_renewals() -> int:
    """This company's renewal reminders that are due (its own date); safe to run twice or at once:
    one reminder per contract, end date and owner (a unique key)."""
    from saas_core.contracts.services import remind_renewals as remind

    return remind()


@shared_task(name="saas_core.contracts.tasks.remind_renewals_all_tenants")
def remind_renewals_all_tenants() -> int:
    """Hourly: each company's renewal reminders appear soon after its own midnight."""
    from saas_core.tenancy import fan_out

    return fan_out(remind_renewals)
