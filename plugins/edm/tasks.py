"""EDM Celery tasks, guarded by the module's enablement (``plugins.tasks.module_task``)."""

from __future__ import annotations

from celery import shared_task

from plugins.tasks import module_task
from saas_core.tenancy import fan_out


@module_task("edm")
def check_domains() -> int:
    """Re-check this tenant's sending domains that are due; returns how many were checked."""
    from plugins.edm import services

    return services.check_due()


@shared_task
def check_domains_all_tenants() -> int:
    """Beat: ``check_domains`` in every live tenant (it refuses where EDM is off)."""
    return fan_out(check_domains)
