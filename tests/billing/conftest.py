"""Billing fixtures: localstripe emptied per test, a plan and a module, tenant A on a trial."""

from __future__ import annotations

import pytest

from tests.conftest import in_tenant

GOOD_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}
DECLINED_CARD = {"number": "4000000000000341", "exp_month": 12, "exp_year": 2035, "cvc": "123"}


@pytest.fixture
def plan(db):
    from tests.factories import PlanFactory

    return PlanFactory(code="team", name="Team", price_per_seat_minor=9900, currency="CNY", storage_quota_mb=10)


@pytest.fixture
def big_plan(db):
    from tests.factories import PlanFactory

    return PlanFactory(code="business", name="Business", price_per_seat_minor=19900, currency="CNY")


@pytest.fixture
def module(db):
    """The installed SMS module (its row comes from the catalogue sync), priced 300.00 a month.

    Afterwards this process forgets the modules it cached: the test's subscription is rolled back."""
    from billing.models import Module
    from plugins import enablement

    found, _ = Module.objects.update_or_create(key="sms", defaults={
        "name": "SMS", "price_minor": 30000, "currency": "CNY", "active": True})
    yield found
    enablement._cache.clear()


@pytest.fixture
def absent_module(db):
    """A catalogue row left from a module whose plugin is not installed here (sold before issue 13)."""
    from tests.factories import ModuleFactory

    return ModuleFactory(key="legacy_erp", name="Legacy ERP", price_minor=30000, currency="CNY")


@pytest.fixture
def trial_a(db, stripe_server, tenant_a, plan):
    """Tenant A on a trial of ``plan`` (rolled back with the test)."""
    from billing import services
    from tenants.models import Tenant

    tenant = Tenant.objects.get(schema_name=tenant_a.schema)
    services.start_trial(tenant, plan)
    return tenant


@pytest.fixture
def paying_a(trial_a, plan, tenant_a):
    """Tenant A paying for ``plan`` × 3 seats with a good card."""
    from billing import services

    services.save_card(trial_a, **GOOD_CARD)
    with in_tenant(tenant_a):
        services.subscribe(trial_a, plan=plan, seats=3, modules=[])
    trial_a.refresh_from_db()
    return trial_a
