"""The inventory pages and API as users meet them: stock (cost only with the right), the ledger and
its export, documents confirmed by their keeper, transfers, warehouses, the product 360° panel,
the module switched off, and tenant isolation for every page, endpoint and export."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from django.test import Client

from tests.conftest import api, in_tenant
from tests.plugins.inventory.conftest import balance, stock_in


def urls(shop, doc) -> tuple[list[str], list[str]]:
    pages = ["/inventory/", "/inventory/ledger/", "/inventory/documents/", "/inventory/assets/",
             "/inventory/documents/new/in/",
             "/inventory/transfer/", "/inventory/warehouses/", "/inventory/warehouses/new/",
             f"/inventory/documents/{doc.pk}/", f"/inventory/warehouses/{shop.a.pk}/"]
    endpoints = ["/api/v1/inventory/stock/", "/api/v1/inventory/moves/", "/api/v1/inventory/documents/",
                 "/api/v1/inventory/warehouses/", "/api/v1/inventory/assets/", f"/api/v1/inventory/documents/{doc.pk}/",
                 f"/api/v1/inventory/warehouses/{shop.a.pk}/"]
    return pages, endpoints


def test_stock_list_shows_cost_and_value_only_with_the_right(shop, client_for):
    with in_tenant(shop.tenant):
        stock_in(shop.boss, shop.a, [(shop.p1, "4", "2.5")])
    boss = client_for(shop.tenant, shop.boss).get("/inventory/?q=螺丝").content.decode()
    assert 'data-testid="stock-row"' in boss and 'data-testid="value">10.00' in boss
    keeper = client_for(shop.tenant, shop.keeper).get("/inventory/").content.decode()
    assert 'data-testid="stock-row"' in keeper and 'data-testid="value"' not in keeper and "2.500000" not in keeper
    rows = api(shop.tenant, shop.keeper).get("/api/v1/inventory/stock/").json()["results"]
    assert rows[0]["quantity"].startswith("4") and "value" not in rows[0] and "unit_cost" not in rows[0]
    rows = api(shop.tenant, shop.boss).get(f"/api/v1/inventory/stock/?warehouse={shop.a.pk}").json()["results"]
    assert rows[0]["value"] == "10.00"
    assert client_for(shop.tenant, shop.sales).get("/inventory/").status_code == 403


def test_the_stock_assets_report_sums_value_by_warehouse_and_category_for_the_cost_right_only(shop, client_for):
    with in_tenant(shop.tenant):
        stock_in(shop.boss, shop.a, [(shop.p1, "4", "2.5"), (shop.p2, "1", "0.333")])
        stock_in(shop.boss, shop.b, [(shop.p1, "1", "7")])
    page = client_for(shop.tenant, shop.boss).get("/inventory/assets/").content.decode()
    assert page.count('data-testid="asset-row"') == 2 and 'data-testid="assets-total">17.33' in page
    only_a = api(shop.tenant, shop.boss).get(f"/api/v1/inventory/assets/?warehouse={shop.a.pk}").json()
    assert [(r["warehouse_name"], r["products"], r["value"]) for r in only_a] == [("仓库A", 2, "10.33")]
    assert client_for(shop.tenant, shop.keeper).get("/inventory/assets/").status_code == 403
    assert api(shop.tenant, shop.keeper).get("/api/v1/inventory/assets/").status_code == 403


def test_a_keeper_confirms_a_stock_in_drafted_through_the_api_and_the_other_keeper_may_not(shop):
    purchaser = api(shop.tenant, shop.boss)
    made = purchaser.post("/api/v1/inventory/documents/", {
        "kind": "in", "warehouse": shop.a.pk, "lines": [{"product": shop.p1.pk, "quantity": "5", "unit_cost": "3"}],
    }, format="json")
    assert made.status_code == 201, made.content
    doc = made.json()
    assert doc["status"] == "draft" and doc["number"].startswith("RK")
    other = api(shop.tenant, shop.keeper_b).post(f"/api/v1/inventory/documents/{doc['id']}/confirm/")
    assert other.status_code == 404  # B's keeper does not even see A's documents
    done = api(shop.tenant, shop.keeper).post(f"/api/v1/inventory/documents/{doc['id']}/confirm/")
    assert done.status_code == 200 and done.json()["status"] == "posted"
    with in_tenant(shop.tenant):
        assert balance(shop.p1, shop.a) == (Decimal(5), Decimal(3), Decimal("15.00"))
    short = purchaser.post("/api/v1/inventory/documents/", {
        "kind": "out", "warehouse": shop.a.pk, "lines": [{"product": shop.p1.pk, "quantity": "6"}]}, format="json")
    refused = purchaser.post(f"/api/v1/inventory/documents/{short.json()['id']}/confirm/")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"lines.0.quantity": ["Not enough stock of “螺丝刀” (6 wanted from 仓库A, 5 left)"]}
    bad = purchaser.post("/api/v1/inventory/documents/", {"kind": "in", "warehouse": shop.a.pk, "lines": [
        {"product": shop.p1.pk, "quantity": "x"}]}, format="json")
    assert bad.status_code == 400 and "lines.0.quantity" in bad.json()["errors"]


def test_pages_draft_confirm_and_transfer_then_the_ledger_exports(shop, client_for):
    keeper = client_for(shop.tenant, shop.keeper)
    form = {"warehouse": shop.a.pk, "note": "首批", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "500", "lines-0-product": shop.p1.pk,
            "lines-0-quantity": "8", "lines-0-unit_cost": "1.5"}
    response = keeper.post("/inventory/documents/new/in/", form)
    assert response.status_code == 302
    detail = response["Location"]
    assert 'data-testid="confirm"' in keeper.get(detail).content.decode()
    assert 'data-testid="confirm"' not in client_for(shop.tenant, shop.keeper_b).get(detail).content.decode()
    keeper.post(detail + "confirm/")
    assert 'data-testid="status">Posted' in keeper.get(detail).content.decode()
    moved = keeper.post("/inventory/transfer/", {**form, "to_warehouse": shop.b.pk, "lines-0-quantity": "3"})
    assert moved.status_code == 302
    too_much = keeper.post("/inventory/transfer/", {**form, "to_warehouse": shop.b.pk, "lines-0-quantity": "30"})
    assert "Not enough stock of “螺丝刀” (30 wanted from 仓库A, 5 left)" in too_much.content.decode()
    with in_tenant(shop.tenant):
        assert balance(shop.p1, shop.b)[0] == Decimal(3)
    ledger = client_for(shop.tenant, shop.boss).get("/inventory/ledger/?kind=transfer_in").content.decode()
    assert ledger.count('data-testid="move-row"') == 1
    exported = client_for(shop.tenant, shop.boss).get("/imports/export/inventory_ledger.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    rows = list(sheet.values)
    assert len(rows) == 1 + 3 and len(rows[0]) == 12  # the boss sees the three cost columns
    keeper_sheet = client_for(shop.tenant, shop.keeper).get("/imports/export/inventory_ledger.xlsx")
    assert keeper_sheet.status_code == 403  # keepers have no export right by default


def test_the_product_360_shows_stock_per_warehouse(shop, client_for):
    with in_tenant(shop.tenant):
        stock_in(shop.boss, shop.a, [(shop.p1, "2", "1")])
        stock_in(shop.boss, shop.b, [(shop.p1, "5", "1")])
    page = client_for(shop.tenant, shop.boss).get(f"/products/{shop.p1.pk}/").content.decode()
    assert page.count('data-testid="product-stock-row"') == 2
    assert 'data-testid="product-stock-total">7' in page


def test_switched_off_the_module_is_gone_and_its_data_returns(shop, client_for, switch_module):
    from plugins.inventory import services

    with in_tenant(shop.tenant):
        doc = stock_in(shop.boss, shop.a, [(shop.p1, "2", "1")])
    boss = client_for(shop.tenant, shop.boss)
    assert 'data-menu="inventory_stock"' in boss.get("/workbench/").content.decode()
    switch_module(shop.tenant, "inventory", False)
    pages, endpoints = urls(shop, doc)
    for url in pages:
        assert boss.get(url).status_code == 404, url
    for url in endpoints:
        response = boss.get(url)
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json"), url
    assert boss.get("/imports/export/inventory_ledger.xlsx").status_code == 404
    assert 'data-menu="inventory_' not in boss.get("/workbench/").content.decode()
    assert 'data-testid="product-stock"' not in boss.get(f"/products/{shop.p1.pk}/").content.decode()
    with in_tenant(shop.tenant):
        assert services.draft_order_stock_outs.__module__  # the service stays importable; events are not delivered
    switch_module(shop.tenant, "inventory", True)
    assert boss.get("/api/v1/inventory/moves/").json()["count"] == 1


def test_tenant_b_cannot_reach_a_s_inventory_by_any_url(shop, tenant_b, make_user, switch_module, client_for):
    from saas_core.accounts.models import Role

    with in_tenant(shop.tenant):
        doc = stock_in(shop.boss, shop.a, [(shop.p1, "2", "9.99")])
    switch_module(tenant_b, "inventory", True)
    boss_b = make_user(tenant_b, role=Role.BOSS)
    b = client_for(tenant_b, boss_b)
    pages, endpoints = urls(shop, doc)
    for url in pages[-2:] + endpoints[-2:]:
        assert b.get(url).status_code == 404, url
    for url in pages[:4] + endpoints[:5]:
        body = b.get(url).content.decode()
        assert "螺丝刀" not in body and "仓库A" not in body and doc.number not in body, url
    assert b.post(f"/api/v1/inventory/documents/{doc.pk}/confirm/").status_code == 404
    assert b.post(f"/inventory/documents/{doc.pk}/cancel/").status_code == 404
    exported = b.get("/imports/export/inventory_ledger.xlsx")
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    assert len(list(sheet.values)) == 1  # the header only
    # A's session means nothing on B's host.
    a_client: Client = client_for(shop.tenant, shop.boss)
    assert a_client.get("/api/v1/inventory/stock/", HTTP_HOST=tenant_b.host).status_code in (401, 403)


def test_warehouses_at_most_80_and_keepers_chosen_on_the_page(shop, client_for):
    from plugins.inventory.models import Warehouse

    dup = api(shop.tenant, shop.boss).post("/api/v1/inventory/warehouses/", {"code": "A", "name": "x"}, format="json")
    assert dup.status_code == 400 and dup.json()["errors"] == {"code": ["Another warehouse has this code."]}
    boss = client_for(shop.tenant, shop.boss)
    response = boss.post("/inventory/warehouses/new/", {"code": "C", "name": "仓库C", "keepers": [shop.keeper_b.pk],
                                                        "active": "on"})
    assert response.status_code == 302
    with in_tenant(shop.tenant):
        assert list(Warehouse.objects.get(code="C").keepers.all()) == [shop.keeper_b]
        Warehouse.objects.bulk_create([Warehouse(code=f"W{n}", name=f"仓{n}") for n in range(77)])
    full = boss.post("/inventory/warehouses/new/", {"code": "Z", "name": "仓库Z", "active": "on"})
    assert "at most 80 warehouses" in full.content.decode()


def test_min_and_max_rules_raise_workbench_alerts(shop, client_for):
    with in_tenant(shop.tenant):
        stock_in(shop.boss, shop.a, [(shop.p1, "2", "1"), (shop.p2, "50", "1")])
        stock_in(shop.boss, shop.b, [(shop.p1, "1", "1")])
    keeper = client_for(shop.tenant, shop.keeper)
    assert 'data-testid="stock-rule-link"' in keeper.get(f"/products/{shop.p1.pk}/").content.decode()
    assert keeper.post(f"/inventory/rules/{shop.p1.pk}/", {"tracked": "on", "allow_negative": "unknown",
                                                           "min_quantity": "5"}).status_code == 302
    bad = keeper.post(f"/inventory/rules/{shop.p2.pk}/", {"min_quantity": "9", "max_quantity": "3"})
    assert "The maximum cannot be below the minimum." in bad.content.decode()
    keeper.post(f"/inventory/rules/{shop.p2.pk}/", {"tracked": "on", "allow_negative": "false", "max_quantity": "40"})
    page = keeper.get("/workbench/").content.decode()
    assert page.count('data-testid="stock-low"') == 1 and "螺丝刀</a> 3 / 5" in page
    assert page.count('data-testid="stock-high"') == 1 and "扳手</a> 50 / 40" in page
    assert client_for(shop.tenant, shop.sales).get(f"/inventory/rules/{shop.p1.pk}/").status_code == 403
