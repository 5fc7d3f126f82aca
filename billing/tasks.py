from __future__ import annotations

from celery import shared_task
from django.db import connection


@shared_task
def advance_lifecycle() -> str | None:
    """This tenant's periodic step: trial over → past due → read-only → cancelled."""
    from tenants import lifecycle
    from tenants.models import Tenant

    tenant = Tenant.objects.get(schema_name=connection.schema_name)
    return lifecycle.advance(tenant)


@shared_task
def delete_expired() -> int:
    """Cancelled companies past the retention period: their data is deleted (public schema)."""
    from tenants import lifecycle
    from tenants.models import Tenant

    count = 0
    for tenant in Tenant.objects.filter(status=Tenant.Status.CANCELLED):
        if lifecycle.advance(tenant) == Tenant.Status.DELETED:
            count += 1
    return count


@shared_task
def advance_lifecycles() -> int:
    from saas_core.tenancy import fan_out

    delete_expired.delay()
    return fan_out(advance_lifecycle)
