"""The Celery app: every task carries the schema of the tenant that enqueued it."""

from __future__ import annotations

import os

from celery.signals import task_prerun, worker_init
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_core.settings")

app = CeleryApp("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(lambda: ["saas_core.accounts", "saas_core.records", "saas_core.customers", "saas_core.pools", "saas_core.imports", "saas_core.activities", "saas_core.exports", "saas_core.attachments", "saas_core.sending", "tenants", "billing", *_module_task_packages()])


def _module_task_packages() -> list[str]:
    """The installed modules' task packages (``crm_celery_task_modules``)."""
    from plugins.manager import celery_task_packages

    return celery_task_packages()


@task_prerun.connect(weak=False, dispatch_uid="crm_tag_sentry_tenant")
def tag_sentry_tenant(task=None, kwargs=None, **_signal) -> None:
    """A task's error report names its tenant, as a request's does (TenantByHostMiddleware).

    sentry-sdk's Celery integration opens a fresh scope per task before this signal; the schema
    is the one tenant_schemas_celery switches to, read from the same message header.
    """
    from django_tenants.utils import get_public_schema_name
    from tenant_schemas_celery.app import get_schema_name_from_task

    from saas_core.sentry import tag_tenant

    tag_tenant(get_schema_name_from_task(task, kwargs) or get_public_schema_name())


@worker_init.connect(weak=False, dispatch_uid="crm_check_database_server")
def check_database_server(**_signal) -> None:
    """A worker refuses to start on a PostgreSQL below the design's needs (tenants.dbcheck).

    SystemExit, because Celery logs and swallows a receiver's ordinary exceptions."""
    from django.core.exceptions import ImproperlyConfigured

    from tenants.dbcheck import require_fitting_server

    try:
        require_fitting_server("worker")
    except ImproperlyConfigured as exc:
        raise SystemExit(f"error: {exc}") from None
