from __future__ import annotations

from celery import shared_task

from saas_core.accounts import services


@shared_task
def purge_login_log() -> int:
    """Delete this tenant's login log older than the retention; safe to run twice."""
    return services.purge_login_log()


@shared_task
def purge_login_log_all_tenants() -> int:
    from saas_core.tenancy import fan_out

    return fan_out(purge_login_log)
