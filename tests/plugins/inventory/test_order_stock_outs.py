"""Sales stock-outs (ORD-01): a confirmed order's stock-tracked lines become a draft 出库单 for the
keeper; confirming it (partly) posts the stock and raises the order's delivered quantities through
the orders' own shipping service; the rest waits in a new draft; the order shows as shipped at the end."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saas_core.lines.services import LineInput
from tests.conftest import in_tenant
from tests.plugins.inventory.conftest import balance, make_product, stock_in


@pytest.fixture
def confirmed_order(shop, django_capture_on_commit_callbacks):
    from plugins.inventory.models import StockRule
    from saas_core.customers import services as customers
    from saas_core.orders import services as orders

    with in_tenant(shop.tenant):
        service = make_product(shop.boss, "安装服务")
        StockRule.objects.create(product=service, tracked=False)
        stock_in(shop.boss, shop.a, [(shop.p1, "10", "2"), (shop.p2, "1", "5")])
        customer = customers.create_customer(by=shop.boss, name="出库客户", check_permission=False)
        order = orders.create_order(by=shop.boss, customer=customer, check_permission=False, lines=[
            LineInput(shop.p1, "6", None), LineInput(shop.p2, "2", None), LineInput(service, "1", None)])
        with django_capture_on_commit_callbacks(execute=True):
            orders.confirm(order, by=shop.boss)
    return order


def test_confirming_an_order_drafts_one_stock_out_for_its_tracked_lines(shop, confirmed_order):
    from plugins.inventory.models import Document

    with in_tenant(shop.tenant):
        [doc] = Document.objects.filter(order=confirmed_order)
        assert (doc.kind, doc.status, doc.warehouse) == ("out", "draft", shop.a)
        assert [(ln.product, ln.quantity) for ln in doc.lines.all()] == [(shop.p1, Decimal(6)), (shop.p2, Decimal(2))]


def test_the_keeper_ships_part_then_the_rest_and_the_order_follows(shop, confirmed_order, client_for):
    from plugins.inventory import services
    from plugins.inventory.models import Document
    from saas_core.orders.models import Order, OrderLine

    with in_tenant(shop.tenant):
        doc = Document.objects.get(order=confirmed_order)
        p1_line, p2_line = doc.lines.all()
        # Only 1 of 扳手 is in stock: the keeper ships 4 + 1 now.
        with pytest.raises(ValidationError, match="2 wanted from 仓库A, 1 left"):
            services.confirm(doc, by=shop.keeper)
    keeper = client_for(shop.tenant, shop.keeper)
    keeper.post(f"/inventory/documents/{doc.pk}/confirm/", {f"qty-{p1_line.pk}": "4", f"qty-{p2_line.pk}": "1"})
    with in_tenant(shop.tenant):
        doc.refresh_from_db()
        assert doc.status == "posted"
        delivered = dict(OrderLine.objects.filter(order=confirmed_order).values_list("product_id", "delivered"))
        assert delivered[shop.p1.pk] == Decimal(4) and delivered[shop.p2.pk] == Decimal(1)
        assert Order.objects.get(pk=confirmed_order.pk).shipping_status == "partly_shipped"
        assert balance(shop.p1, shop.a)[0] == Decimal(6) and balance(shop.p2, shop.a)[0] == Decimal(0)
        rest = Document.objects.get(order=confirmed_order, status="draft")
        assert [(ln.product_id, ln.quantity) for ln in rest.lines.all()] == [(shop.p1.pk, 2), (shop.p2.pk, 1)]
        stock_in(shop.boss, shop.a, [(shop.p2, "1", "5")])
        services.confirm(rest, by=shop.keeper)
        order = Order.objects.get(pk=confirmed_order.pk)
        # The service line is not stock-tracked: shipped by the order's own shipment, not the warehouse.
        assert order.shipping_status == "partly_shipped"
        assert not Document.objects.filter(order=confirmed_order, status="draft").exists()
        line_ids = {ln.product_id: ln.quantity - ln.delivered for ln in OrderLine.objects.filter(order=order)}
        assert line_ids[shop.p1.pk] == 0 and line_ids[shop.p2.pk] == 0


def test_a_sales_person_cannot_confirm_a_stock_out_and_nobody_ships_more_than_ordered(shop, confirmed_order):
    from django.core.exceptions import PermissionDenied

    from plugins.inventory import services
    from plugins.inventory.models import Document

    with in_tenant(shop.tenant):
        doc = Document.objects.get(order=confirmed_order)
        with pytest.raises(PermissionDenied):
            services.confirm(doc, by=shop.sales)
        p1_line = doc.lines.first()
        with pytest.raises(ValidationError, match="Between 0 and 6"):
            services.set_line_quantities(doc, {p1_line.pk: "7"}, by=shop.keeper)
