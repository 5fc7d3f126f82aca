"""The demo company's inventory (``crm demo`` / ``crm run``, through ``crm_demo_data``), made once
through the services: two warehouses kept by the demo keeper, a stock-in (the purchase received),
a transfer, and the stock-out of a confirmed order confirmed by the keeper (the order shows shipped
in part or whole)."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from django.core.exceptions import ValidationError


def make_demo_inventory(boss) -> None:
    from plugins.inventory import services
    from plugins.inventory.models import Document, Warehouse
    from saas_core.accounts.models import User
    from saas_core.orders.models import Order
    from saas_core.products.services import pickable

    if Warehouse.objects.exists():
        return
    keeper = User.objects.filter(role="warehouse_keeper", is_active=True).order_by("pk").first() or boss
    main = services.save_warehouse(by=boss, code="WH01", name="上海总仓 Shanghai", keepers=[keeper],
                                   address="上海市浦东新区张江路 88 号")
    branch = services.save_warehouse(by=boss, code="WH02", name="北京分仓 Beijing", keepers=[keeper])
    products = list(pickable().order_by("code")[:6])
    if not products:
        return
    received = services.create_document(
        by=boss, kind=Document.Kind.IN, warehouse=main, note="首批采购入库",
        lines=[services.LineIn(p, "200", p.cost_price if p.cost_price is not None else Decimal("50")) for p in products])
    services.confirm(received, by=keeper)
    services.transfer(by=keeper, source=main, destination=branch, lines=[services.LineIn(products[0], "20")],
                      note="北京分仓备货")
    for order in Order.objects.filter(status=Order.Status.CONFIRMED).order_by("pk"):
        if not Document.objects.filter(order=order).exists():
            services.draft_order_stock_outs(order, by=boss)
    first = Document.objects.filter(order__isnull=False, status=Document.Status.DRAFT).order_by("pk").first()
    if first is not None:
        # A product short in stock: the draft stays for the keeper, as it would in real life.
        with contextlib.suppress(ValidationError):
            services.confirm(first, by=keeper)
