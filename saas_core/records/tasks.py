from __future__ import annotations

from celery import shared_task
from django.db import connection

from saas_core.records import bin as recycle_bin


@shared_task
def purge_expired_bin() -> int:
    """Purge this tenant's bin entries older than its setting; a second run finds nothing."""
    from tenants.models import Tenant

    days = Tenant.objects.values_list("recycle_bin_days", flat=True).get(schema_name=connection.schema_name)
    return recycle_bin.purge_expired(days)


@shared_task
def purge_expired_bin_all_tenants() -> int:
    from saas_core.tenancy import fan_out

    return fan_out(purge_expired_bin)
