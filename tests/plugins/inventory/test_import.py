"""Initial stock from xlsx and GBK CSV through the import machinery: good rows posted as initial
stock (期初) through the posting service, bad rows in the report with their reasons; nothing of the
module's import is offered or reachable where the module is off."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import in_tenant
from tests.plugins.inventory.conftest import balance
from tests.saas_core.imports.conftest import csv_bytes, import_kind, xlsx_bytes

HEADER = ["仓库", "产品编号", "期初数量", "单位成本"]


def test_initial_stock_from_xlsx_posts_good_rows_and_reports_the_bad(shop):
    from plugins.inventory.checks import violations
    from plugins.inventory.models import Move

    rows = [
        ["仓库A", shop.p1.code, "10", "2.5"],
        ["B", shop.p2.code, 4, None],  # by warehouse code; no cost: the product's cost price (none: 0)
        ["仓库X", shop.p1.code, "1", "1"],  # unknown warehouse
        ["仓库A", "NOPE-1", "1", "1"],  # unknown product
        ["仓库A", shop.p2.code, "-3", "1"],  # negative quantity
    ]
    job = import_kind("inventory_initial", shop.tenant, shop.boss, xlsx_bytes(rows, header=HEADER), "stock.xlsx")
    assert (job.imported, job.rejected) == (2, 3), job.error
    with in_tenant(shop.tenant):
        reasons = dict(job.issues.values_list("row_number", "reasons"))
        assert "No warehouse in use has the code or name “仓库X”." in " ".join(reasons[4])
        assert "No product has the code “NOPE-1”." in " ".join(reasons[5])
        assert "The quantity must be more than 0." in " ".join(reasons[6])
        assert balance(shop.p1, shop.a) == (Decimal(10), Decimal("2.5"), Decimal("25.00"))
        assert balance(shop.p2, shop.b)[0] == Decimal(4)
        assert set(Move.objects.values_list("kind", flat=True)) == {"initial"}
        assert violations() == []
    again = import_kind("inventory_initial", shop.tenant, shop.boss,
                        csv_bytes([["仓库A", shop.p1.code, "5", "3"]], header=HEADER, encoding="gbk"), "again.csv")
    assert (again.imported, again.rejected) == (0, 1)
    with in_tenant(shop.tenant):
        assert "already has stock history in 仓库A" in " ".join(again.issues.get().reasons)


def test_the_import_is_gone_where_the_module_is_off(tenant_a, boss_a, client_for):
    boss = client_for(tenant_a, boss_a)
    assert "inventory_initial" not in boss.get("/imports/").content.decode()
    assert boss.get("/imports/template/inventory_initial.xlsx").status_code == 404
    assert "inventory_ledger" not in boss.get("/imports/").content.decode()
