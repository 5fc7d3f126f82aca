from __future__ import annotations

from celery import shared_task


@shared_task
def sweep_abandoned_signups() -> list[str]:
    """Companies whose signup died while preparing them are removed (public schema)."""
    from tenants import provisioning

    return provisioning.sweep_abandoned()
