"""Periodic work of quotes (Celery; autodiscovered)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="saas_core.quotes.tasks.expire_quotes")
def expire_quotes() -> int:
    """This tenant's open quotes past their validity date become expired; safe to run twice."""
    from saas_core.quotes.services import expire_due

    return expire_due()


@shared_task(name="saas_core.quotes.tasks.expire_quotes_all_tenants")
def expire_quotes_all_tenants() -> int:
    """Hourly: each company's quotes expire soon after its own midnight."""
    from saas_core.tenancy import fan_out

    return fan_out(expire_quotes)
