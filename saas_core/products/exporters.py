"""Exporting the product list to xlsx (PRD-01), registered with saas_core.imports.

The rows are the list's (``products.queries.filtered`` with the list's query string); the
price columns are the company's strategies; the cost price column is there only for roles with
the "see cost price" right. Headers are the import's labels, so an export can be imported back.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from saas_core import money
from saas_core.imports.registry import ExportColumn, Exporter, register_exporter
from saas_core.products import queries, services
from saas_core.products.access import may_see_cost
from saas_core.products.models import ProductPrice

# The import/export headers of the built-in strategies, in both languages.
STRATEGY_HEADERS = {"quote": ("报价", "Quote price"), "deal": ("成交价", "Deal price"), "vip": ("VIP价", "VIP price"),
                    "wholesale": ("批发价", "Wholesale price")}


def strategy_header(strategy) -> tuple[str, str]:
    if strategy.name or strategy.key not in STRATEGY_HEADERS:
        return strategy.label, strategy.label
    return STRATEGY_HEADERS[strategy.key]


def _price_of(key: str):
    def value(product):
        for row in product.prices.all():  # prefetched
            if row.strategy_id == key:
                return money.round_price(row.price)
        return None

    return value


class ProductExporter(Exporter):
    key = "products"
    label = gettext_lazy("Products")
    module = "products"
    filename = "products"
    columns = [
        ExportColumn("产品编号", "Product code", lambda p: p.code),
        ExportColumn("产品名称", "Product name", lambda p: p.name),
        ExportColumn("规格", "Specification", lambda p: p.spec),
        ExportColumn("单位", "Unit", lambda p: p.unit),
        ExportColumn("条码", "Barcode", lambda p: p.barcode),
        ExportColumn("产品分类", "Category", lambda p: services.category_path(p.category)),
    ]
    tail = [
        ExportColumn("停售", "Discontinued", lambda p: p.discontinued),
        ExportColumn("待核成本", "Needs cost review", lambda p: p.needs_cost_review),
        ExportColumn("备注", "Remark", lambda p: p.remark),
        ExportColumn("创建时间", "Created", lambda p: p.created_at),
    ]

    def columns_for(self, request) -> list[ExportColumn]:
        prices = [ExportColumn(*strategy_header(s), _price_of(s.pk)) for s in services.strategies()]
        cost = [ExportColumn("成本价", "Cost price", lambda p: services.shown_price(p.cost_price))]
        return [*self.columns, *prices, *(cost if may_see_cost(request.user) else []), *self.tail]

    def queryset(self, request):
        return queries.filtered(request.GET, request.user).select_related("category__parent").prefetch_related(
            Prefetch("prices", queryset=ProductPrice.objects.only("product_id", "strategy_id", "price")))


register_exporter(ProductExporter())
