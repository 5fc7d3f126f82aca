"""Periodic work of receivables (Celery; autodiscovered)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="saas_core.payments.tasks.remind_due")
def remind_due() -> int:
    """This company's payment reminders that are due (its own date); safe to run twice or at once:
    one reminder per installment, due date and owner (a unique key)."""
    from saas_core.payments.services import remind_due as remind

    return remind()


@shared_task(name="saas_core.payments.tasks.remind_due_all_tenants")
def remind_due_all_tenants() -> int:
    """Hourly: each company's payment reminders appear soon after its own midnight."""
    from saas_core.tenancy import fan_out

    return fan_out(remind_due)
