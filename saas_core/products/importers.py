"""Importing products from xlsx/CSV (PRD-01) through saas_core.imports: template, mapping, preview
with per-cell problems, batches, and an error report. A row whose code matches a product updates it
(in update mode); categories given as ``办公用品 / 纸张`` are made where missing."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas_core.imports.registry import Column, Existing, Importer, Row, RowRejected, parse_bool, register_importer
from saas_core.products import services
from saas_core.products.exporters import strategy_header
from saas_core.products.models import Product

BASE_FIELDS = ("code", "name", "spec", "unit", "barcode", "discontinued", "needs_cost_review", "remark")


def parse_price(value, ctx):
    return services.clean_price(value)


class ProductImporter(Importer):
    key = "products"
    label = gettext_lazy("Products")
    module = "products"
    template_name = "products-template"
    base_columns = [
        Column("code", "产品编号", "Product code", max_length=40, aliases=("编号", "code"), example="CP-0001"),
        Column("name", "产品名称", "Product name", required=True, max_length=200, aliases=("名称", "品名"), example="A4 复印纸"),
        Column("spec", "规格", "Specification", max_length=200, aliases=("规格型号", "型号"), example="70g 500张/包"),
        Column("unit", "单位", "Unit", max_length=20, example="箱", repeats=True),
        Column("barcode", "条码", "Barcode", max_length=64, aliases=("条形码",), example="6901234567890"),
        Column("category", "产品分类", "Category", max_length=300, aliases=("分类",), example="办公用品 / 纸张",
               repeats=True),
    ]
    tail_columns = [
        Column("cost_price", "成本价", "Cost price", parse=parse_price, example="88.00"),
        Column("discontinued", "停售", "Discontinued", parse=parse_bool, example="否", repeats=True),
        Column("needs_cost_review", "待核成本", "Needs cost review", parse=parse_bool, example="否", repeats=True),
        Column("remark", "备注", "Remark", max_length=2000),
    ]

    @property
    def columns(self) -> list[Column]:  # the company's strategies are columns too
        prices = [
            Column(services.price_field(s.key), *strategy_header(s), parse=parse_price, aliases=(s.key,),
                   example="120.00" if s.key == "quote" else "")
            for s in services.strategies()
        ]
        return [*self.base_columns, *prices, *self.tail_columns]

    def _plan(self, mapping):
        self.__dict__.pop("_plans", None)  # columns follow the strategies: plan per run
        return super()._plan(mapping)

    def duplicate_keys(self, row: Row) -> list[str]:
        code = (row.values.get("code") or "").strip()
        return [f"code:{code}"] if code else []

    def find_existing(self, rows: list[Row], ctx: dict) -> dict[int, Existing]:
        codes = {(r.values.get("code") or "").strip(): r.index for r in rows if r.values.get("code")}
        found = Product.objects.filter(code__in=list(codes)).values_list("pk", "code", "name")
        return {codes[code]: Existing(pk, f"{name} ({code})", _("same product code")) for pk, code, name in found}

    def _fields(self, row: Row, ctx: dict) -> dict:
        values = row.values
        fields = {k: values[k] for k in BASE_FIELDS if k in values}
        prices = {k.removeprefix("price_"): v for k, v in values.items() if k.startswith("price_")}
        if prices:
            fields["prices"] = prices
        if "cost_price" in values:
            fields["cost_price"] = values["cost_price"]
        if values.get("category"):
            fields["category"] = services.ensure_category_path(values["category"], by=ctx["user"])
        return fields

    def create_one(self, row: Row, ctx: dict) -> None:
        services.create_product(by=ctx["user"], check_permission=False, **self._fields(row, ctx))

    def update_one(self, row: Row, existing: Existing, ctx: dict) -> None:
        product = Product.objects.filter(pk=existing.pk).first()
        if product is None:
            raise RowRejected([_("The product %(label)s is no longer there.") % {"label": existing.label}])
        fields = self._fields(row, ctx)
        fields.pop("code", None)
        services.update_product(product, by=ctx["user"], check_permission=False, **fields)


register_importer(ProductImporter())
