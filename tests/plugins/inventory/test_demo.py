"""The demo company gets the module on, two warehouses, stock, a transfer and a shipment, made
through the services, once."""

from __future__ import annotations

import pytest

from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def forget_modules(tenant_a):
    """The override the demo writes is rolled back with the test: every process must forget it."""
    from plugins import enablement
    from tenants.models import Tenant

    yield
    tenant_id = Tenant.objects.get(schema_name=tenant_a.schema).pk
    enablement._cache.pop(tenant_id, None)
    enablement._redis().incr(enablement._stamp_key(tenant_id))


def test_the_demo_switches_inventory_on_and_fills_it_once(tenant_a, boss_a, forget_modules,
                                                          django_capture_on_commit_callbacks):
    from plugins import enablement
    from plugins.inventory.checks import violations
    from plugins.inventory.models import Document, Move, Warehouse
    from saas_core import demo
    from saas_core.customers.models import Customer
    from saas_core.orders.models import Order

    with in_tenant(tenant_a):
        Customer.all_objects.all().delete()
        demo._demo_staff()
        demo._demo_customers()
        demo._demo_products()
        demo._demo_quotes()
        with django_capture_on_commit_callbacks(execute=True):
            demo._demo_modules_on(tenant_a.schema)
        assert enablement.is_enabled("inventory")
        with django_capture_on_commit_callbacks(execute=True):
            demo._demo_contracts_and_orders()
        demo._demo_module_data()
        demo._demo_module_data()
        assert Warehouse.objects.count() == 2
        assert Document.objects.filter(kind="in", status="posted").count() == 1
        assert Document.objects.filter(kind="transfer", status="posted").count() == 1
        shipped = Document.objects.filter(kind="out", status="posted").get()
        assert shipped.shipment_id and Order.objects.get(pk=shipped.order_id).shipping_status != "not_shipped"
        assert Move.objects.count() > 0 and violations() == []
