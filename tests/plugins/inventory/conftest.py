"""Inventory test fixtures: the module on in tenant A, two warehouses with keepers, products."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import _fast_password_hashing  # noqa: F401 - fixture


def make_product(by, name: str, **fields):
    from saas_core.products import services as products

    return products.create_product(by=by, name=name, prices={"deal": "10"}, check_permission=False, **fields)


def stock_in(by, warehouse, rows, *, kind="in"):
    """Post a stock-in of ``rows`` = [(product, quantity, unit cost)] in ``warehouse``."""
    from plugins.inventory import posting, services

    doc = services.create_document(by=by, kind=kind, warehouse=warehouse, check_permission=False,
                                   lines=[services.LineIn(p, q, c) for p, q, c in rows])
    return posting.post(doc, by=by)


def balance(product, warehouse):
    from plugins.inventory.models import Balance

    row = Balance.objects.filter(product=product, warehouse=warehouse).first()
    return (row.quantity, row.unit_cost, row.value) if row else (Decimal(0), Decimal(0), Decimal(0))


@pytest.fixture
def inventory_a(tenant_a, switch_module):
    switch_module(tenant_a, "inventory", True)
    return tenant_a


@pytest.fixture
def shop(inventory_a, boss_a, make_user):
    """Tenant A with inventory on: 仓库A (keeper ``keeper``), 仓库B (keeper ``keeper_b``), two products."""
    from plugins.inventory import services

    keeper = make_user(inventory_a, role="warehouse_keeper", username="keeper-a", name="Keeper A", language="en")
    keeper_b = make_user(inventory_a, role="warehouse_keeper", username="keeper-b", name="Keeper B", language="en")
    sales = make_user(inventory_a, role="sales", username="sales-a", name="Sales A", language="en")
    with in_tenant(inventory_a):
        a = services.save_warehouse(by=boss_a, code="A", name="仓库A", keepers=[keeper])
        b = services.save_warehouse(by=boss_a, code="B", name="仓库B", keepers=[keeper_b])
        p1, p2 = make_product(boss_a, "螺丝刀"), make_product(boss_a, "扳手")

    class Shop:
        tenant, boss = inventory_a, boss_a

    shop = Shop()
    shop.keeper, shop.keeper_b, shop.sales, shop.a, shop.b, shop.p1, shop.p2 = keeper, keeper_b, sales, a, b, p1, p2
    return shop
