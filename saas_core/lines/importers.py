"""Importing sales documents with lines (quotes, contracts, orders) from xlsx/CSV through
saas_core.imports: one row per line, the rows of one document grouped by its number, the header
columns read from its first row that gives them, like an export of lines from another system.
Template, mapping, per-cell problems and the error report are the framework's.

Each document is made by its app's own create service (the page's and the API's rules: the
customer within the importer's scope, quantities, discounts, prices at the company's precision,
totals on the server), in a savepoint: a document with one bad line is not imported at all and
every one of its rows says why. A whole file is one batch, so a document's lines never straddle two
transactions. A number the company already has is skipped (or refused in update mode: documents
are not changed by an import)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from saas_core import money
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
)
from saas_core.lines.services import LineInput
from saas_core.products.models import PriceStrategy, Product


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


def line_columns() -> list[Column]:
    """The columns of a line, the same on every document."""
    return [
        Column("product", "产品", "Product", required=True, parse=parse_product, repeats=True,
               aliases=("产品编号", "产品名称", "品名", "product code", "product name"), example="CP-0001"),
        Column("quantity", "数量", "Quantity", required=True, parse=parse_number, aliases=("qty",), example="10"),
        Column("unit_price", "单价", "Unit price", parse=parse_number, aliases=("价格单价", "price"), example="120.00"),
        Column("discount_percent", "折扣(%)", "Discount (%)", parse=parse_number, aliases=("折扣", "discount")),
        Column("discount", "整单折扣", "Document discount", parse=parse_number, aliases=("整单优惠",)),
    ]


class DocumentImporter(Importer):
    """Subclasses set ``model``, ``columns`` (with a required ``number`` column), ``header_keys``,
    ``create_service`` and the texts ``needs_customer`` and ``exists``."""

    model: type[models.Model]
    header_keys: tuple[str, ...] = ()
    create_service: Callable
    needs_customer: str = ""
    exists: str = ""
    batch_size = 1_000_000  # the whole file: a document's lines must not straddle two batches

    def clean(self, row: Row, ctx: dict) -> None:
        # The document's first row must name its customer; later rows of the same number may leave it out.
        number = row.values.get("number")
        seen = ctx.setdefault("numbers_with_customer", set())
        if row.values.get("customer"):
            seen.add(number)
        elif number not in seen:
            row.reject(str(self.needs_customer), "customer")

    def find_existing(self, rows: list[Row], ctx: dict) -> dict[int, Existing]:
        numbers = {r.values["number"] for r in rows if r.values.get("number")}
        found = dict(self.model._base_manager.filter(number__in=list(numbers)).values_list("number", "pk"))
        return {r.index: Existing(found[r.values["number"]], r.values["number"], _("same number"))
                for r in rows if r.values.get("number") in found}

    def create(self, rows: list[Row], ctx: dict) -> dict[int, list[str]]:
        groups: dict[str, list[Row]] = {}
        for row in rows:
            groups.setdefault(row.values["number"], []).append(row)
        rejected: dict[int, list[str]] = {}
        labels = self.field_labels()
        for number, group in groups.items():
            try:
                with transaction.atomic():  # a savepoint: this document only
                    self._create_document(number, group, ctx)
            except ValidationError as exc:
                reasons = messages_of(exc, labels)
                for row in group:
                    rejected[row.index] = reasons
        return rejected

    def _create_document(self, number: str, group: list[Row], ctx: dict) -> None:
        header: dict = {}
        for row in group:  # the first value given for each header column
            for key in self.header_keys:
                if key not in header and row.values.get(key) not in (None, ""):
                    header[key] = row.values[key]
        lines = [LineInput(r.values["product"], r.values["quantity"], r.values.get("unit_price"),
                           r.values.get("discount_percent", 0)) for r in group]
        discount = next((r.values["discount"] for r in group if r.values.get("discount") is not None), 0)
        type(self).create_service(by=ctx["user"], lines=lines, discount=discount, number=number,
                                  check_permission=False, **header)

    def update_one(self, row: Row, existing: Existing, ctx: dict) -> None:
        raise RowRejected([str(self.exists)])
