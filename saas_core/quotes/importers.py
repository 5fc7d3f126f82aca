"""Importing quotes from xlsx/CSV (QUO-01) through saas_core.imports: one row per line, the rows of
one quote grouped by its quote number (the header columns are read from its first row), like an
export of lines from another system. Template, mapping, per-cell problems and the error report
are the framework's.

Each quote is made by ``services.create_quote`` (the page's and the API's rules: the customer
within the importer's scope, quantity > 0, discounts 0-100, no discontinued product on a line,
prices at the company's precision, totals computed on the server), in a savepoint: a quote with
one bad line is not imported at all, and every one of its rows says why. A whole file is one batch,
so a quote's lines are never split between two transactions. A quote number the company already
has is skipped (or refused in update mode: quotes are not updated by import).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas_core import money
from saas_core.customers.importers import parse_customer
from saas_core.imports.registry import (
    Column,
    Existing,
    Importer,
    Row,
    RowRejected,
    as_text,
    find_one,
    header_key,
    messages_of,
    parse_date,
    parse_user,
    register_importer,
)
from saas_core.products.models import PriceStrategy, Product
from saas_core.quotes import services
from saas_core.quotes.models import Quote
from saas_core.quotes.services import LineInput

HEADER_KEYS = ("customer", "subject", "owner", "strategy", "quoted_on", "valid_until", "terms")


def parse_product(value, ctx) -> Product:
    """A product by its code, or by its exact name when that names one product."""
    return find_one(Product.objects.all(), value, code_field="code", name_field="name",
                    missing=_("No product has the code or name “%(value)s”."),
                    ambiguous=_("Several products are called “%(value)s”: give the product code."))


def parse_strategy(value, ctx) -> PriceStrategy:
    lookup = {header_key(n): s for s in PriceStrategy.objects.all() for n in (s.key, s.name, str(s)) if n}
    found = lookup.get(header_key(as_text(value)))
    if found is None:
        raise ValidationError(_("“%(value)s” is not a price strategy (%(choices)s).")
                              % {"value": as_text(value), "choices": ", ".join(str(s) for s in PriceStrategy.objects.all())})
    return found


def parse_number(value, ctx):
    return money.as_decimal(as_text(value))


COLUMNS = [
    Column("number", "报价单号", "Quote number", required=True, max_length=Quote._meta.get_field("number").max_length,
           aliases=("单号", "报价单编号", "quote no", "number"), example="BJ-2026-001"),
    Column("customer", "客户名称", "Customer name", parse=parse_customer, repeats=True,
           aliases=("客户", "客户编号", "customer"), example="KH00000001"),
    Column("subject", "主题", "Subject", max_length=Quote._meta.get_field("subject").max_length,
           aliases=("报价主题",), example="年度办公设备采购"),
    Column("quoted_on", "报价日期", "Quote date", parse=parse_date, repeats=True, example="2026-12-01"),
    Column("valid_until", "有效期至", "Valid until", parse=parse_date, repeats=True, aliases=("有效期",),
           example="2026-12-31"),
    Column("strategy", "价格策略", "Price strategy", parse=parse_strategy, repeats=True, aliases=("价格",)),
    Column("owner", "负责人", "Owner", parse=parse_user, repeats=True, aliases=("业务员", "销售")),
    Column("product", "产品", "Product", required=True, parse=parse_product, repeats=True,
           aliases=("产品编号", "产品名称", "品名", "product code", "product name"), example="CP-0001"),
    Column("quantity", "数量", "Quantity", required=True, parse=parse_number, aliases=("qty",), example="10"),
    Column("unit_price", "单价", "Unit price", parse=parse_number, aliases=("价格单价", "price"), example="120.00"),
    Column("discount_percent", "折扣(%)", "Discount (%)", parse=parse_number, aliases=("折扣", "discount")),
    Column("discount", "整单折扣", "Document discount", parse=parse_number, aliases=("整单优惠",)),
    Column("terms", "条款", "Terms", aliases=("备注", "说明")),
]


class QuoteImporter(Importer):
    key = "quotes"
    label = gettext_lazy("Quotes")
    module = "quotes"
    template_name = "quotes-template"
    columns = COLUMNS
    batch_size = 1_000_000  # the whole file: a quote's lines must not straddle two batches

    def clean(self, row: Row, ctx: dict) -> None:
        # The quote's first row must name its customer; later rows of the same number may leave it out.
        number = row.values.get("number")
        seen = ctx.setdefault("numbers_with_customer", set())
        if row.values.get("customer"):
            seen.add(number)
        elif number not in seen:
            row.reject(_("Give the customer on the quote's first row."), "customer")

    def find_existing(self, rows: list[Row], ctx: dict) -> dict[int, Existing]:
        numbers = {r.values["number"] for r in rows if r.values.get("number")}
        found = dict(Quote.objects.filter(number__in=list(numbers)).values_list("number", "pk"))
        return {r.index: Existing(found[r.values["number"]], r.values["number"], _("same quote number"))
                for r in rows if r.values.get("number") in found}

    def create(self, rows: list[Row], ctx: dict) -> dict[int, list[str]]:
        groups: dict[str, list[Row]] = {}
        for row in rows:
            groups.setdefault(row.values["number"], []).append(row)
        rejected: dict[int, list[str]] = {}
        labels = self.field_labels()
        for number, group in groups.items():
            try:
                with transaction.atomic():  # a savepoint: this quote only
                    self._create_quote(number, group, ctx)
            except ValidationError as exc:
                reasons = messages_of(exc, labels)
                for row in group:
                    rejected[row.index] = reasons
        return rejected

    def _create_quote(self, number: str, group: list[Row], ctx: dict) -> None:
        header: dict = {}
        for row in group:  # the first value given for each header column
            for key in HEADER_KEYS:
                if key not in header and row.values.get(key) not in (None, ""):
                    header[key] = row.values[key]
        lines = [LineInput(r.values["product"], r.values["quantity"], r.values.get("unit_price"),
                           r.values.get("discount_percent", 0)) for r in group]
        discount = next((r.values["discount"] for r in group if r.values.get("discount") is not None), 0)
        services.create_quote(by=ctx["user"], lines=lines, discount=discount, number=number,
                              check_permission=False, **header)

    def update_one(self, row: Row, existing: Existing, ctx: dict) -> None:
        raise RowRejected([_("A quote already has this number; quotes are not changed by an import.")])


register_importer(QuoteImporter())
