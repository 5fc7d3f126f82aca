from __future__ import annotations

from celery import shared_task


@shared_task
def sweep_abandoned_signups() -> list[str]:
    """Companies whose signup died while preparing them are removed (public schema)."""
    from tenants import provisioning

    return provisioning.sweep_abandoned()


@shared_task(acks_late=True)
def migrate_company(tenant_id: int) -> str | None:
    """The console's retry / migrate-this-company: idempotent (a company found up to date under
    its schema lock is only recorded done)."""
    from tenants import upgrade

    outcome = upgrade.migrate_queued(tenant_id)
    return outcome.state if outcome else None
