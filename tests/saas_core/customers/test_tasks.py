"""Periodic work: expired hot flags clear themselves (CUS-04), per tenant through a fan-out."""

from datetime import timedelta

import pytest
from django.db import connection

from saas_core import tenancy
from saas_core.customers import services, tasks
from saas_core.customers.models import Customer
from saas_core.dictionaries.models import DictionaryItem
from saas_core.records.history import history_of
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def hot(boss, name, until):
    return services.create_customer(
        by=boss, name=name, is_hot=True, heat=4, hot_until=until,
        hot_reason=DictionaryItem.objects.get(type__key="hot_reason", key="about_to_sign"),
    )


def test_expired_hot_flags_clear_once(tenant_a, boss_a):
    with in_tenant(tenant_a):
        today = tenancy.company_today()
        # Created with a future expiry (the form refuses a past one), then the days went by.
        expired = hot(boss_a, "甲", today + timedelta(days=1))
        Customer.objects.filter(pk=expired.pk).update(hot_until=today - timedelta(days=1))
        last_day = hot(boss_a, "乙", today)
        forever = hot(boss_a, "丙", None)
        assert tasks.clear_expired_hot() == 1
        assert tasks.clear_expired_hot() == 0  # idempotent
        expired.refresh_from_db()
        assert (expired.is_hot, expired.heat, expired.hot_reason, expired.hot_until) == (False, None, None, None)
        assert Customer.objects.filter(pk__in=[last_day.pk, forever.pk], is_hot=True).count() == 2  # still today
        assert tasks.clear_expired_hot_flags(today + timedelta(days=1)) == 1  # tomorrow 乙 has expired
        changes = {c.field for c in history_of(expired)[0].changes}
        assert changes == {"hot", "heat", "hot reason", "hot until"}


def test_the_fan_out_enqueues_once_per_live_tenant_in_its_schema(tenant_a, tenant_b, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.clear_expired_hot, "delay", lambda *a, **k: sent.append(connection.schema_name))
    count = tasks.clear_expired_hot_all_tenants()
    assert count == len(sent) and {tenant_a.schema, tenant_b.schema} <= set(sent)
    assert len(set(sent)) == len(sent)


def test_the_tasks_are_registered_for_beat():
    from saas_core.celery import app

    app.loader.import_default_modules()
    assert "saas_core.customers.tasks.clear_expired_hot_all_tenants" in app.tasks
    assert "saas_core.customers.tasks.clear_expired_hot" in app.tasks
