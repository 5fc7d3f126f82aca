"""Order operations (ORD-01): lines with cost and margin, confirmation and the modules' event,
shipments with partial delivery, derived order and shipping status, voiding, conversions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saas_core.contracts import services as contracts
from saas_core.contracts.models import Contract
from saas_core.lines.services import LineInput
from saas_core.orders import services
from saas_core.orders.models import Order, OrderLine
from saas_core.orders.services import ShipInput
from saas_core.quotes import services as quotes
from tests.conftest import in_tenant
from tests.saas_core.orders.conftest import add, contract, order, product, quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_lines(org, tenant_a):
    customer = add(tenant_a, org.sales1, "订单客户")
    bolts = product(tenant_a, org.boss, "螺栓", cost="6.00")
    nuts = product(tenant_a, org.boss, "螺母", cost="2.50")
    o = order(tenant_a, org.sales1, customer, [(bolts, "10", "10", "0"), (nuts, "4", "5", "0")])
    return customer, o, bolts, nuts


def test_an_order_keeps_the_cost_price_for_its_gross_margin(org, tenant_a, two_lines):
    _customer, o, _bolts, _nuts = two_lines
    with in_tenant(tenant_a):
        stored = Order.objects.get(pk=o.pk)
        assert stored.status == Order.Status.DRAFT and stored.shipping_status == Order.Shipping.NOT_SHIPPED
        assert stored.total == Decimal("120.00") and stored.cost_total == Decimal("70.00")
        assert stored.margin == Decimal("50.00")
        assert [ln.unit_cost for ln in stored.lines.all()] == [Decimal("6.00"), Decimal("2.50")]


def test_shipping_part_then_the_rest_derives_the_statuses(org, tenant_a, two_lines):
    _customer, o, _bolts, _nuts = two_lines
    with in_tenant(tenant_a):
        first, second = list(o.lines.all())
        with pytest.raises(ValidationError, match="Only a confirmed order can be shipped"):
            services.ship(o, [ShipInput(first, "1")], by=org.sales1)
        services.confirm(o, by=org.sales1)
        services.ship(o, [ShipInput(first, "4"), ShipInput(second, "")], by=org.sales1, tracking_number="SF123")
        o.refresh_from_db()
        assert (o.status, o.shipping_status) == (Order.Status.CONFIRMED, Order.Shipping.PARTLY_SHIPPED)
        with pytest.raises(ValidationError) as caught:
            services.ship(o, [ShipInput(first, "7"), ShipInput(second, "-1")], by=org.sales1)
        assert caught.value.message_dict == {"lines.0.quantity": ["Only 6.00 of “螺栓” are left to ship."],
                                             "lines.1.quantity": ["The quantity cannot be negative."]}
        with pytest.raises(ValidationError) as caught:
            services.ship(o, [ShipInput(first, "0")], by=org.sales1)
        assert caught.value.message_dict == {"lines": ["Enter the quantity shipped of at least one line."]}
        last = services.ship(o, [ShipInput(first, "6"), ShipInput(second, "4")], by=org.sales1)
        o.refresh_from_db()
        assert (o.status, o.shipping_status) == (Order.Status.COMPLETED, Order.Shipping.SHIPPED)
        assert [ln.delivered for ln in OrderLine.objects.filter(order=o)] == [Decimal("10"), Decimal("4")]
        services.void_shipment(last, by=org.sales1)
        services.void_shipment(last, by=org.sales1)  # twice: given back once
        o.refresh_from_db()
        assert (o.status, o.shipping_status) == (Order.Status.CONFIRMED, Order.Shipping.PARTLY_SHIPPED)
        assert [ln.delivered for ln in OrderLine.objects.filter(order=o)] == [Decimal("4"), Decimal("0")]
        with pytest.raises(ValidationError, match="nothing shipped can be cancelled"):
            services.cancel(o, by=org.sales1)


def test_a_line_of_another_order_cannot_be_shipped(org, tenant_a, two_lines):
    customer, o, bolts, _nuts = two_lines
    other = order(tenant_a, org.sales1, customer, [(bolts, "1", "10", "0")])
    with in_tenant(tenant_a):
        services.confirm(o, by=org.sales1)
        with pytest.raises(ValidationError) as caught:
            services.ship(o, [ShipInput(other.lines.get(), "1")], by=org.sales1)
        assert caught.value.message_dict == {"lines.0.order_line": ["Choose a line of this order."]}


def test_confirmed_orders_are_locked_and_confirming_twice_tells_the_modules_once(
        org, tenant_a, two_lines, switch_module, django_capture_on_commit_callbacks):
    from billing.models import Module
    from plugins import enablement, manager
    from plugins.hookspecs import hookimpl

    _customer, o, bolts, _nuts = two_lines
    heard = []

    class Inventory:
        @hookimpl
        def crm_module_info(self):
            return {"key": "stock-listener", "name": "Stock listener"}

        @hookimpl
        def crm_order_confirmed(self, order, user):
            heard.append((order.number, [ln.product_id for ln in order.lines.all()], user.pk))

    Module.objects.get_or_create(key="stock-listener", defaults={"name": "Stock listener"})
    pm = manager.get_plugin_manager()
    pm.register(Inventory(), name="stock-listener")
    enablement._relays.clear()
    try:
        switch_module(tenant_a, "stock-listener", True)
        with in_tenant(tenant_a), django_capture_on_commit_callbacks(execute=True):
            services.confirm(o, by=org.sales1)
            services.confirm(o, by=org.sales1)
        assert heard == [(o.number, [bolts.pk, _nuts.pk], org.sales1.pk)]
    finally:
        pm.unregister(name="stock-listener")
        enablement._relays.clear()
    with in_tenant(tenant_a), pytest.raises(ValidationError, match="Only an order awaiting confirmation"):
        services.update_order(o, by=org.sales1, lines=[LineInput(bolts, "1", "1")])


def test_quote_to_order_and_contract_to_order_copy_the_lines_and_keep_the_links(org, tenant_a):
    customer = add(tenant_a, org.sales1, "转单客户")
    p = product(tenant_a, org.boss, "转单产品")
    q = quote(tenant_a, org.sales1, customer, [(p, "3", "20", "5")], discount="7")
    c = contract(tenant_a, org.sales1, customer, [(p, "2", "50", "0")])
    with in_tenant(tenant_a):
        quotes.set_status(q, "sent", by=org.sales1)
        quotes.set_status(q, "accepted", by=org.sales1)
        from_quote = quotes.run_conversion(q, "order", by=org.sales1)
        assert isinstance(from_quote, Order) and from_quote.quote_id == q.pk
        assert from_quote.total == q.total == Decimal("50.00")
        with pytest.raises(ValidationError, match="Only a contract in progress"):
            services.from_contract(c, by=org.sales1)
        contracts.set_status(c, Contract.Status.IN_PROGRESS, by=org.sales1)
        from_contract = services.from_contract(c, by=org.sales1)
        assert from_contract.contract_id == c.pk and from_contract.total == Decimal("100.00")
        assert [(ln.quantity, ln.unit_price) for ln in from_contract.lines.all()] == [(Decimal("2"), Decimal("50"))]


def test_a_contract_of_another_customer_is_refused(org, tenant_a):
    mine = add(tenant_a, org.sales1, "甲客户")
    theirs = add(tenant_a, org.sales1, "乙客户")
    p = product(tenant_a, org.boss, "甲乙产品")
    c = contract(tenant_a, org.sales1, theirs, [(p, "1", "1", "0")])
    with in_tenant(tenant_a), pytest.raises(ValidationError) as caught:
        services.create_order(by=org.sales1, customer=mine, contract=c, lines=[LineInput(p, "1", "1")])
    assert caught.value.message_dict == {"contract": ["This contract belongs to another customer."]}


def test_the_workbench_lists_my_confirmed_orders_still_to_ship(org, tenant_a, two_lines, client_for):
    _customer, o, _bolts, _nuts = two_lines
    web = client_for(tenant_a, org.sales1)
    assert o.number not in web.get("/workbench/").content.decode()  # not confirmed yet
    with in_tenant(tenant_a):
        services.confirm(o, by=org.sales1)
    page = web.get("/workbench/").content.decode()
    assert 'data-testid="order-to-ship"' in page and o.number in page
