"""Periodic work of attachments: stored files that no row names are removed (daily, per tenant)."""

from __future__ import annotations

from celery import shared_task

from saas_core.attachments import services


@shared_task
def sweep_orphan_files() -> int:
    """This company's orphaned files older than a day; a second run finds nothing."""
    return services.sweep_orphan_files()


@shared_task
def sweep_orphan_files_all_tenants() -> int:
    from saas_core.tenancy import fan_out

    return fan_out(sweep_orphan_files)
