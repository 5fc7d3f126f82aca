"""Initial stock (期初) from xlsx/CSV through saas_core.imports: warehouse, product code, quantity,
unit cost; each row is posted as an initial-stock document by the one posting service, and the
import's error report names every row that was refused (unknown warehouse or product, a place that
already has stock history)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas_core import money
from saas_core.imports.registry import Column, Importer, Row, RowRejected, register_importer


def parse_warehouse(value, ctx):
    from plugins.inventory.models import Warehouse

    text = str(value).strip()
    found = Warehouse.objects.filter(Q(code=text) | Q(name=text), active=True).first()
    if found is None:
        raise ValidationError(_("No warehouse in use has the code or name “%(value)s”.") % {"value": text})
    return found


def parse_product(value, ctx):
    from saas_core.products.models import Product

    text = str(value).strip()
    found = Product.objects.filter(code=text).first()
    if found is None:
        raise ValidationError(_("No product has the code “%(value)s”.") % {"value": text})
    return found


def parse_quantity(value, ctx):
    number = money.as_decimal(value)
    if not number.is_finite() or number <= 0:
        raise ValidationError(_("The quantity must be more than 0."))
    money.check_places(number, money.places().quantity)
    return number


def parse_cost(value, ctx):
    number = money.as_decimal(value)
    if not number.is_finite() or number < 0:
        raise ValidationError(_("The unit cost cannot be negative."))
    money.check_places(number, 6)
    return number


class InitialStockImporter(Importer):
    key = "inventory_initial"
    label = gettext_lazy("Initial stock")
    module = "inventory"
    template_name = "initial-stock-template"
    batch_size = 500
    columns = [
        Column("warehouse", "仓库", "Warehouse", required=True, parse=parse_warehouse, repeats=True,
               aliases=("仓库名称", "仓库编号"), example="上海总仓"),
        Column("product", "产品编号", "Product code", required=True, parse=parse_product, aliases=("编号",),
               example="CP-0001"),
        Column("quantity", "期初数量", "Quantity", required=True, parse=parse_quantity, aliases=("数量",), example="100"),
        Column("unit_cost", "单位成本", "Unit cost", parse=parse_cost, aliases=("成本", "成本价"), example="12.50"),
    ]

    def duplicate_keys(self, row: Row) -> list[str]:
        values = row.values
        if values.get("warehouse") is None or values.get("product") is None:
            return []
        return [f"place:{values['warehouse'].pk}:{values['product'].pk}"]

    def create_one(self, row: Row, ctx: dict) -> None:
        from plugins.inventory import posting, services
        from plugins.inventory.models import Move

        warehouse, product = row.values["warehouse"], row.values["product"]
        if Move.objects.filter(product=product, warehouse=warehouse).exists():
            raise RowRejected([_("“%(product)s” already has stock history in %(warehouse)s: enter a stock-in or a "
                                 "stocktake instead.") % {"product": product.name, "warehouse": warehouse.name}])
        cost = row.values.get("unit_cost")
        if cost is None:
            cost = product.cost_price
        doc = services.create_document(by=ctx["user"], kind="initial", warehouse=warehouse, check_permission=False,
                                       lines=[services.LineIn(product, row.values["quantity"], cost)],
                                       note=_("Imported initial stock"))
        posting.post(doc, by=ctx["user"])


register_importer(InitialStockImporter())
