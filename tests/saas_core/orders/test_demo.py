"""The demo company gets contracts and orders, made through the services, once."""

from __future__ import annotations

import pytest

from saas_core.contracts.models import Contract
from saas_core.orders.models import Order
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def test_demo_contracts_and_orders_are_made_once(tenant_a, boss_a):
    from saas_core import demo
    from saas_core.activities.models import Reminder
    from saas_core.customers.models import Customer

    with in_tenant(tenant_a):
        Customer.all_objects.all().delete()
        demo._demo_staff()
        demo._demo_customers()
        demo._demo_quotes()
        demo._demo_contracts_and_orders()
        demo._demo_contracts_and_orders()
        assert sorted(Contract.objects.values_list("status", flat=True)) == ["draft", "in_progress", "in_progress"]
        signed = Contract.objects.exclude(quote=None).get()
        assert signed.delivery_records.count() == 1 and signed.delivery_plans.count() == 2
        shipped = Order.objects.get(contract=signed)
        assert shipped.shipping_status == Order.Shipping.PARTLY_SHIPPED and shipped.shipments.count() == 1
        assert Order.objects.filter(status=Order.Status.CONFIRMED).count() == 2
        assert Reminder.objects.filter(source=Reminder.Source.CONTRACT).count() == 1
