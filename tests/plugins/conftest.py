"""Fixtures of the module platform's tests: switch a module on or off for a tenant."""

from __future__ import annotations

import pytest


@pytest.fixture
def switch_module(db, django_capture_on_commit_callbacks):
    """``switch_module(tenant_info, "sms", True|False|None)`` through the vendor's override.

    The override is written in the test's transaction (rolled back afterwards); the cache
    invalidation runs as it would on commit. Afterwards this process forgets every cached answer,
    so the next test reads the rolled-back database again.
    """
    from billing.overrides import set_override
    from plugins import enablement
    from tenants.models import Tenant

    touched = []

    def switch(info, key: str, enabled: bool | None):
        tenant = Tenant.objects.get(schema_name=info.schema)
        with django_capture_on_commit_callbacks(execute=True):
            set_override(tenant, key, enabled)
        touched.append(tenant.pk)
        return tenant

    yield switch
    for tenant_id in touched:
        enablement._cache.pop(tenant_id, None)
        enablement._redis().incr(enablement._stamp_key(tenant_id))
