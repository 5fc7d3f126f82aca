"""Purchasing (INV-02): a purchase order is placed (through the approval engine where the company
has a flow), received in part by drafting a receipt the warehouse's keeper confirms (stock posted,
received quantities and status follow, never beyond what was ordered, products flagged for cost
review), with the supplier's past prices beside each line and the purchase summary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import api, in_tenant
from tests.plugins.inventory.conftest import balance


@pytest.fixture
def purchaser(shop, make_user):
    return make_user(shop.tenant, role="purchaser", username="buyer-a", name="Buyer A", language="en")


@pytest.fixture
def supplier(shop, purchaser):
    from plugins.inventory import purchasing

    with in_tenant(shop.tenant):
        return purchasing.save_supplier(by=purchaser, name="宁波五金厂", contact_name="周经理", phone="0574-8888 0000")


def order_of(shop, purchaser, supplier, rows):
    from plugins.inventory import purchasing

    with in_tenant(shop.tenant):
        return purchasing.create_purchase_order(by=purchaser, supplier=supplier, warehouse=shop.a, lines=[
            purchasing.PurchaseLineIn(p, q, price) for p, q, price in rows])


def test_a_purchase_order_is_received_in_part_by_the_keeper_and_follows(shop, purchaser, supplier, client_for):
    from plugins.inventory import purchasing, services
    from plugins.inventory.checks import violations
    from plugins.inventory.models import PurchaseLine, PurchaseOrder
    from saas_core.products.models import Product

    order = order_of(shop, purchaser, supplier, [(shop.p1, "10", "3.20"), (shop.p2, "4", "10")])
    assert order.total == Decimal("72.00") and order.number.startswith("CG")
    buyer = client_for(shop.tenant, purchaser)
    assert buyer.post(f"/inventory/purchases/{order.pk}/place/").status_code == 302
    with in_tenant(shop.tenant):
        p1_line, p2_line = PurchaseLine.objects.filter(order=order)
    buyer.post(f"/inventory/purchases/{order.pk}/receive/", {f"qty-{p1_line.pk}": "6"})
    with in_tenant(shop.tenant):
        receipt = order.receipts.get()
        assert (receipt.kind, receipt.status, receipt.warehouse) == ("in", "draft", shop.a)
        with pytest.raises(ValidationError, match="Only 4 of “螺丝刀” are left to receive"):
            purchasing.receive(order, {p1_line.pk: "5"}, by=purchaser)  # 6 of 10 already await the keeper
        services.confirm(receipt, by=shop.keeper)
        assert balance(shop.p1, shop.a) == (Decimal(6), Decimal("3.2"), Decimal("19.20"))
        assert PurchaseLine.objects.get(pk=p1_line.pk).received == Decimal(6)
        assert PurchaseOrder.objects.get(pk=order.pk).status == "partly_received"
        assert Product.objects.get(pk=shop.p1.pk).needs_cost_review
        assert not Product.objects.get(pk=shop.p2.pk).needs_cost_review
    done = api(shop.tenant, purchaser).post(f"/api/v1/inventory/purchase-orders/{order.pk}/receive/",
                                            {"quantities": {str(p1_line.pk): "4", str(p2_line.pk): "4"}},
                                            format="json")
    assert done.status_code == 201, done.content
    assert api(shop.tenant, shop.keeper).post(f"/api/v1/inventory/documents/{done.json()['id']}/confirm/").status_code == 200
    with in_tenant(shop.tenant):
        assert PurchaseOrder.objects.get(pk=order.pk).status == "received"
        assert violations() == []
    over = api(shop.tenant, purchaser).post(f"/api/v1/inventory/purchase-orders/{order.pk}/receive/",
                                            {"quantities": {str(p1_line.pk): "1"}}, format="json")
    assert over.status_code == 400 and over.json()["errors"] == {
        "status": ["Only a placed purchase order can be received; this one is “Received”."]}
    # The supplier's past prices beside the next order's lines; the summary by month and supplier.
    second = order_of(shop, purchaser, supplier, [(shop.p1, "1", "3.50")])
    page = buyer.get(f"/inventory/purchases/{second.pk}/").content.decode()
    assert 'data-testid="past-prices">3.2 (' in page
    detail = api(shop.tenant, purchaser).get(f"/api/v1/inventory/purchase-orders/{second.pk}/").json()
    assert detail["lines"][0]["past_prices"][0]["price"].startswith("3.2")
    summary = api(shop.tenant, purchaser).get("/api/v1/inventory/purchase-summary/").json()
    assert [(r["supplier"], r["quantity"][:2], r["amount"]) for r in summary] == [("宁波五金厂", "14", "72.00")]
    assert 'data-testid="summary-total">72.00' in buyer.get("/inventory/purchases/summary/").content.decode()


def test_a_purchase_order_the_flow_picks_is_placed_by_its_approval(shop, purchaser, supplier):
    from plugins.inventory import purchasing
    from plugins.inventory.models import PurchaseOrder
    from saas_core.approvals import flows
    from saas_core.approvals import services as approvals

    with in_tenant(shop.tenant):
        flows.save_route("inventory.purchaseorder", None, {"name": "Big", "priority": 1, "conditions": [
            {"field": "amount", "op": "gt", "value": "1000"}], "nodes": [
            {"name": "Boss", "approver": "users", "users": [shop.boss.pk], "mode": "any"}]}, by=shop.boss)
    small = order_of(shop, purchaser, supplier, [(shop.p1, "1", "10")])
    big = order_of(shop, purchaser, supplier, [(shop.p1, "100", "50")])
    with in_tenant(shop.tenant):
        assert purchasing.place(small, by=purchaser).status == "ordered"
        with pytest.raises(ValidationError, match="needs approval first"):
            purchasing.place(big, by=purchaser)
        approval = approvals.submit(big, by=purchaser)
        approvals.approve(approval, by=shop.boss)
        assert PurchaseOrder.objects.get(pk=big.pk).status == "ordered"


def test_purchasing_is_for_purchasers_and_gone_with_the_module(shop, purchaser, supplier, client_for, switch_module,
                                                              tenant_b, make_user):
    from saas_core.accounts.models import Role

    order = order_of(shop, purchaser, supplier, [(shop.p1, "1", "10")])
    assert client_for(shop.tenant, shop.sales).get("/inventory/purchases/").status_code == 403
    assert api(shop.tenant, shop.keeper).post("/api/v1/inventory/suppliers/", {"name": "X"},
                                              format="json").status_code == 403
    dup = api(shop.tenant, purchaser).post("/api/v1/inventory/suppliers/", {"name": "宁波五金厂"}, format="json")
    assert dup.status_code == 400 and dup.json()["errors"] == {"name": ["Another supplier has this name."]}
    switch_module(tenant_b, "inventory", True)
    b = client_for(tenant_b, make_user(tenant_b, role=Role.BOSS))
    for url in (f"/inventory/purchases/{order.pk}/", f"/api/v1/inventory/purchase-orders/{order.pk}/",
                f"/inventory/suppliers/{supplier.pk}/", f"/api/v1/inventory/suppliers/{supplier.pk}/"):
        assert b.get(url).status_code == 404, url
    assert "宁波五金厂" not in b.get("/api/v1/inventory/suppliers/").content.decode()
    boss = client_for(shop.tenant, shop.boss)
    assert "inventory.purchaseorder" in boss.get("/approvals/flows/").content.decode()
    switch_module(shop.tenant, "inventory", False)
    for url in ("/inventory/purchases/", "/inventory/suppliers/", "/api/v1/inventory/purchase-orders/"):
        assert boss.get(url).status_code == 404, url
    assert "inventory.purchaseorder" not in boss.get("/approvals/flows/").content.decode()
