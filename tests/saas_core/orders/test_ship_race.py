"""Delivered ≤ ordered per line under concurrency (ORD-01 "Must hold"): two people ship the last
units of the same line at the same moment; the second waits for the first one's lock on the order,
then sees what is left and is refused. Committed data in a workspace of its own."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from saas_core.lines.services import LineInput
from tests.conftest import PASSWORD
from tests.saas_core.contracts.races import hold_until_blocked


@pytest.fixture
def workspace(live_db, settings):
    from tenants import provisioning

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sub = f"ship-race-{uuid.uuid4().hex[:6]}"
    ws = provisioning.create_workspace(company_name="Ship Race Ltd", subdomain=sub, admin_name="Boss",
                                       email=f"boss@{sub}.example.com", password=PASSWORD, language="en")
    return ws.tenant.schema_name


@pytest.mark.live
def test_two_shipments_of_the_same_units_at_once_deliver_them_once(workspace):
    from saas_core.accounts.models import User
    from saas_core.customers import services as customers
    from saas_core.orders import services
    from saas_core.orders.models import Order, OrderLine, Shipment
    from saas_core.products import services as products

    with schema_context(workspace):
        boss = User.objects.get(role="boss")
        customer = customers.create_customer(by=boss, name="并发发货客户", check_permission=False)
        p = products.create_product(by=boss, name="并发发货产品", prices={"deal": "10"}, check_permission=False)
        order = services.create_order(by=boss, customer=customer, lines=[LineInput(p, "5", None)])
        services.confirm(order, by=boss)
        line_id = order.lines.get().pk

    def ship():
        with schema_context(workspace):
            who = User.objects.get(pk=boss.pk)
            return services.ship(Order.objects.get(pk=order.pk), [services.ShipInput(line_id, "4")], by=who).number

    first, second = hold_until_blocked(workspace, ship, ship)
    assert isinstance(first, str), first
    assert isinstance(second, ValidationError), second
    assert second.message_dict == {"lines.0.quantity": ["Only 1.00 of “并发发货产品” are left to ship."]}
    with schema_context(workspace):
        assert OrderLine.objects.get(pk=line_id).delivered == Decimal("4")
        assert Shipment.objects.filter(order_id=order.pk).count() == 1
        assert Order.objects.get(pk=order.pk).shipping_status == Order.Shipping.PARTLY_SHIPPED
