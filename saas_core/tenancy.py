"""Helpers for code that runs across tenants (periodic work, CLI)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Tenant

LIVE_STATUSES = (
    Tenant.Status.TRIALING, Tenant.Status.ACTIVE, Tenant.Status.PAST_DUE, Tenant.Status.READ_ONLY,
)


def live_tenants():
    """Tenants whose workspace exists and whose periodic work should run."""
    return Tenant.objects.exclude(schema_name__in=[settings.PUBLIC_SCHEMA_NAME, settings.TEMPLATE_SCHEMA_NAME]).filter(
        status__in=LIVE_STATUSES
    )


def workspace_tenants():
    """Tenants whose workspace still exists: the live ones and the cancelled ones within retention
    (read-only; their Boss may still sign in and export)."""
    return Tenant.objects.exclude(schema_name__in=[settings.PUBLIC_SCHEMA_NAME, settings.TEMPLATE_SCHEMA_NAME]).filter(
        status__in=[*LIVE_STATUSES, Tenant.Status.CANCELLED]
    )


def fan_out(task, *args, **kwargs) -> int:
    """Enqueue ``task`` once per live tenant, each message tagged with that tenant's schema."""
    count = 0
    for schema_name in live_tenants().values_list("schema_name", flat=True).iterator():
        with schema_context(schema_name):
            task.delay(*args, **kwargs)
        count += 1
    return count


def fan_out_to(schemas, task, *args, **kwargs) -> int:
    """Enqueue ``task`` once for each of these schemas that is a live tenant (work known to be due)."""
    wanted = list(dict.fromkeys(schemas))
    if not wanted:
        return 0
    count = 0
    for schema_name in live_tenants().filter(schema_name__in=wanted).values_list("schema_name", flat=True):
        with schema_context(schema_name):
            task.delay(*args, **kwargs)
        count += 1
    return count


def iter_tenant_schemas() -> Iterator[str]:
    yield from live_tenants().values_list("schema_name", flat=True)


def company_zone() -> zoneinfo.ZoneInfo:
    """The current company's time zone (its day, its "9:00"), for work outside a request: tasks,
    exports, reminders. A task or request has the company loaded already; else it is read."""
    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "time_zone", None)
    if name is None or getattr(tenant, "schema_name", None) != connection.schema_name:
        name = Tenant.objects.filter(schema_name=connection.schema_name).values_list("time_zone", flat=True).first()
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def company_today() -> date:
    """Today in the current company's time zone."""
    return timezone.localdate(timezone=company_zone())
