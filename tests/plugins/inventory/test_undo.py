"""Undo (the Boss): a posted document is reversed by new moves pointing at the ones they reverse;
refused where stock would go below zero (undo the later documents first: stock-out, then stock-in);
a sales stock-out's shipment is voided with it, so the order's delivered quantities go back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import api, in_tenant
from tests.plugins.inventory.conftest import balance, stock_in
from tests.plugins.inventory.test_order_stock_outs import confirmed_order  # noqa: F401 - fixture
from tests.plugins.inventory.test_posting import out


def test_undo_in_reverse_order_restores_the_balances_and_keeps_the_invariants(shop):
    from plugins.inventory import services
    from plugins.inventory.checks import violations
    from plugins.inventory.models import Move

    with in_tenant(shop.tenant):
        first = stock_in(shop.boss, shop.a, [(shop.p1, "3", "10")])
        second = stock_in(shop.boss, shop.a, [(shop.p1, "1", "14")])
        issued = out(shop, shop.a, [(shop.p1, "3")])
        with pytest.raises(ValidationError, match="Undoing this would leave -2 of “螺丝刀” in 仓库A"):
            services.undo(first, by=shop.boss)
        with pytest.raises(PermissionDenied):
            services.undo(issued, by=shop.keeper)
        services.undo(issued, by=shop.boss)
        assert balance(shop.p1, shop.a) == (Decimal(4), Decimal(11), Decimal("44.00"))
        services.undo(second, by=shop.boss)
        services.undo(first, by=shop.boss)
        services.undo(first, by=shop.boss)  # twice: once
        assert balance(shop.p1, shop.a)[0::2] == (Decimal(0), Decimal(0))
        reversals = Move.objects.filter(kind="reversal")
        assert reversals.count() == 3
        assert all(r.reverses.document_id == r.document_id and r.quantity == -r.reverses.quantity for r in reversals)
        assert violations() == []


def test_undoing_a_sales_stock_out_voids_its_shipment_and_drafts_the_rest_again(shop, confirmed_order):  # noqa: F811
    from plugins.inventory import services
    from plugins.inventory.models import Document
    from saas_core.orders.models import Order, OrderLine

    with in_tenant(shop.tenant):
        doc = Document.objects.get(order=confirmed_order)
        p1_line, p2_line = doc.lines.all()
        services.set_line_quantities(doc, {p1_line.pk: "6", p2_line.pk: "1"}, by=shop.keeper)
        services.confirm(doc, by=shop.keeper)
        assert Document.objects.filter(order=confirmed_order, status="draft").count() == 1
    undone = api(shop.tenant, shop.boss).post(f"/api/v1/inventory/documents/{doc.pk}/undo/")
    assert undone.status_code == 200 and undone.json()["status"] == "reversed"
    with in_tenant(shop.tenant):
        assert set(OrderLine.objects.filter(order=confirmed_order).values_list("delivered", flat=True)) == {0}
        assert Order.objects.get(pk=confirmed_order.pk).shipping_status == "not_shipped"
        assert balance(shop.p1, shop.a)[0] == Decimal(10) and balance(shop.p2, shop.a)[0] == Decimal(1)
        # The earlier draft for the rest stays; no second draft for the same quantities.
        drafts = Document.objects.filter(order=confirmed_order, status="draft")
        assert sum(ln.quantity for d in drafts for ln in d.lines.all()) == Decimal(8)
    assert api(shop.tenant, shop.keeper).post(f"/api/v1/inventory/documents/{doc.pk}/undo/").status_code == 403
