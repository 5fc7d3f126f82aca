"""The lifecycle state: allowed transitions, the periodic steps, deletion at the end of retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants import lifecycle
from tenants.models import Domain, Tenant

S = Tenant.Status


def fresh(tenant_a) -> Tenant:
    return Tenant.objects.get(schema_name=tenant_a.schema)


def test_only_the_listed_transitions_are_allowed(db, tenant_a):
    tenant = fresh(tenant_a)
    with pytest.raises(lifecycle.TransitionNotAllowed):
        lifecycle.transition(tenant, S.READ_ONLY)  # trialing → read_only skips the grace period
    assert lifecycle.transition(tenant, S.ACTIVE) is True
    assert lifecycle.transition(tenant, S.ACTIVE) is False
    for step in (S.PAST_DUE, S.READ_ONLY, S.CANCELLED, S.ACTIVE):  # paying restores from any state
        assert lifecycle.transition(tenant, step)
    assert fresh(tenant_a).status == S.ACTIVE


def test_time_moves_an_unpaid_company_along(db, tenant_a, settings):
    tenant = fresh(tenant_a)
    now = timezone.now()
    Tenant.objects.filter(pk=tenant.pk).update(trial_ends_at=now - timedelta(minutes=1))
    assert lifecycle.advance(tenant, now) == S.PAST_DUE
    assert lifecycle.advance(tenant, now) is None  # a second run finds nothing due
    later = now + timedelta(days=settings.BILLING_GRACE_DAYS, minutes=1)
    assert lifecycle.advance(tenant, later) == S.READ_ONLY
    later += timedelta(days=settings.BILLING_READ_ONLY_DAYS, minutes=1)
    assert lifecycle.advance(tenant, later) == S.CANCELLED
    assert lifecycle.advance(tenant, later + timedelta(days=1)) is None  # retention runs


@pytest.mark.live
def test_deletion_after_retention_drops_the_schema_and_the_host(live_db, settings):
    from tenants import provisioning

    ws = provisioning.create_workspace(company_name="Gone", subdomain="gone-soon", admin_name="G",
                                       email="g@gone.example.com", password="Correct-Horse-77")
    tenant = ws.tenant
    try:
        for step in (S.ACTIVE, S.CANCELLED):
            lifecycle.transition(tenant, step)
        later = timezone.now() + timedelta(days=settings.BILLING_RETENTION_DAYS, minutes=1)
        assert lifecycle.advance(tenant, later) == S.DELETED
        connection.set_schema_to_public()
        assert not schema_exists(tenant.schema_name)
        assert not Domain.objects.filter(tenant=tenant).exists()
        assert fresh(type("T", (), {"schema": tenant.schema_name})()).status == S.DELETED
    finally:
        Tenant.objects.filter(pk=tenant.pk).delete()  # the schema is gone already


def test_periodic_task_steps_each_live_tenant(db, tenant_a, tenant_b, monkeypatch):
    from billing import tasks
    from saas_core.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    Tenant.objects.filter(schema_name=tenant_a.schema).update(trial_ends_at=timezone.now() - timedelta(hours=1))
    count = tasks.advance_lifecycles.apply().get()
    connection.set_schema_to_public()
    assert count >= 2
    assert fresh(tenant_a).status == S.PAST_DUE
    assert fresh(tenant_b).status == S.TRIALING
