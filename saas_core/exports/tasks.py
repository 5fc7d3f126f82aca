"""Celery tasks of the company export (each runs in the schema of the tenant that queued it)."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import schema_context


@shared_task(acks_late=True, name="saas_core.exports.tasks.build_export")
def build_export(export_id: int) -> str:
    from saas_core.exports import services

    export = services.build(export_id)
    return export.status if export else "missing"


@shared_task(name="saas_core.exports.tasks.delete_expired_exports")
def delete_expired_exports() -> int:
    from saas_core.exports import services

    return services.delete_expired()


@shared_task(name="saas_core.exports.tasks.delete_expired_exports_all_tenants")
def delete_expired_exports_all_tenants() -> int:
    """Hourly: every company with a workspace, cancelled ones too (their Boss may export)."""
    from saas_core.tenancy import workspace_tenants

    count = 0
    for schema in workspace_tenants().values_list("schema_name", flat=True):
        with schema_context(schema):
            delete_expired_exports.delay()
        count += 1
    return count
