"""``migrate_schemas`` that walks only companies with a complete workspace schema.

django-tenants migrates every tenant row but public's. A deleted company keeps its row with the
schema dropped, and a company being prepared has a half-made one, so migrating them would fail
(and the Helm pre-upgrade hook, ``crm migrate``, with it). django-tenants lets a project choose
its executor (``GET_EXECUTOR_FUNCTION``); ours is the chosen one with the list filtered.
"""

from __future__ import annotations

import sys
from functools import cache

from django_tenants.migration_executors import get_executor as tenants_get_executor


def schemas_to_migrate(schemas) -> tuple[list[str], dict[str, str]]:
    """``schemas`` without those of companies that have no complete workspace (kept in order),
    and the skipped ones with their status. Schemas without a tenant row (public, the template)
    are kept: they were named on purpose."""
    from django.conf import settings

    from tenants.models import WITHOUT_WORKSPACE, Tenant

    wanted = list(schemas)
    if wanted == [settings.PUBLIC_SCHEMA_NAME]:
        return wanted, {}  # the tenant table may not exist yet
    skipped = dict(
        Tenant.objects.filter(schema_name__in=wanted, status__in=WITHOUT_WORKSPACE).values_list("schema_name", "status")
    )
    return [schema for schema in wanted if schema not in skipped], skipped


@cache
def get_executor(codename: str | None = None) -> type:
    base = tenants_get_executor(codename)

    class ReadyTenantsExecutor(base):
        def run_migrations(self, tenants=None):
            tenants, skipped = schemas_to_migrate(tenants or [])
            if skipped and int(self.options.get("verbosity", 1)) >= 1:
                for schema, status in sorted(skipped.items()):
                    sys.stdout.write(f"[{self.codename}:{schema}] skipped: the company is {status}\n")
            return super().run_migrations(tenants=tenants)

    ReadyTenantsExecutor.__name__ = f"Ready{base.__name__}"
    return ReadyTenantsExecutor
