from __future__ import annotations

from celery import shared_task

from saas_core.pools import services


@shared_task
def reclaim() -> dict[str, int]:
    """Apply this tenant's reclaim rules: warn owners, return overdue customers; safe to run twice."""
    return services.reclaim_due()


@shared_task
def reclaim_all_tenants() -> int:
    """Hourly (Celery beat): one ``reclaim`` per live tenant."""
    from saas_core.tenancy import fan_out

    return fan_out(reclaim)
