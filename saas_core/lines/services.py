"""The one computation and the one check of a document's product lines (quotes, contracts, orders).

``compute_totals``: line total = qty × price × (1 − discount%), each rounded HALF_UP to the
company's price precision; document total = Σ rounded lines − document discount (the line
editor's script does the same sums in exact decimals). ``price_lines`` checks every line and the
discount and returns what a document stores, or raises one ValidationError with every problem
keyed ``lines.<i>.<field>`` (the pages put them on the line, the API returns them as its map).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from saas_core import money
from saas_core.products.models import PriceStrategy, Product, ProductPrice

MAX_LINES = 500
LAST_PRICES = 3
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineInput:
    """One line as given by a form, the API, an import or the demo (numbers may be strings)."""

    product: Product | None
    quantity: object
    unit_price: object = None
    discount_percent: object = 0


@dataclass(frozen=True)
class Totals:
    lines: list[Decimal]
    subtotal: Decimal
    discount: Decimal
    total: Decimal


@dataclass(frozen=True)
class CleanLine:
    product: Product
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal


@dataclass(frozen=True)
class Priced:
    """Checked lines and their totals: what a document stores."""

    lines: list[CleanLine]
    totals: Totals

    def rows(self) -> list[dict]:
        """Keyword arguments of each line model row (add the document's foreign key)."""
        return [{"position": i, "product": ln.product, "quantity": ln.quantity, "unit_price": ln.unit_price,
                 "discount_percent": ln.discount_percent, "total": total}
                for i, (ln, total) in enumerate(zip(self.lines, self.totals.lines, strict=True))]


def compute_totals(lines: Sequence[tuple], discount=0, *, price_places: int | None = None) -> Totals:
    """Line totals, their sum, the document discount and the total, each rounded HALF_UP.

    ``lines`` are (quantity, unit price, discount %) triples; the page's script does the same sums.
    """
    places = money.places().price if price_places is None else price_places
    totals = [money.line_total(q, p, d, price_places=places) for q, p, d in lines]
    subtotal = money.round_price(sum(totals, Decimal(0)), places)
    discount = money.round_price(discount or 0, places)
    return Totals(totals, subtotal, discount, subtotal - discount)


def money_limit() -> Decimal:
    """The first amount the money columns cannot hold."""
    return Decimal(10) ** (money.MAX_DIGITS - money.DECIMAL_PLACES)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_number(value, field: str, errors: dict, *, places: int, blank_ok: bool = False) -> Decimal | None:
    """``value`` as a Decimal with at most ``places`` decimals, or None with the reason in ``errors``."""
    if is_blank(value):
        if not blank_ok:
            errors.setdefault(field, []).append(_("This field is required."))
        return None
    try:
        number = money.as_decimal(value)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return None
    if not number.is_finite():
        errors.setdefault(field, []).append(_("“%(value)s” is not a number.") % {"value": value})
        return None
    try:
        money.check_places(number, places)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return None
    return number


def strategy_prices(product_ids: Iterable[int], strategy: PriceStrategy | None) -> dict[int, Decimal]:
    """product id → its price in ``strategy`` (the unit price a new line defaults to)."""
    if strategy is None:
        return {}
    rows = ProductPrice.objects.filter(strategy=strategy, product_id__in=list(product_ids))
    return {r.product_id: r.price for r in rows}


def clean_lines(lines: Sequence[LineInput], *, strategy: PriceStrategy | None, kept_product_ids: set[int],
                errors: dict) -> list[CleanLine]:
    """The lines that are valid; every problem goes to ``errors`` under ``lines.<i>.<field>``.

    A product already on the document (``kept_product_ids``) may stay when discontinued; a blank
    unit price takes the strategy's price."""
    prices = money.places()
    if not lines:
        errors.setdefault("lines", []).append(_("Add at least one product line."))
    if len(lines) > MAX_LINES:
        errors.setdefault("lines", []).append(_("A document holds at most %(count)d lines.") % {"count": MAX_LINES})
        return []
    defaults = strategy_prices([ln.product.pk for ln in lines if ln.product is not None], strategy)
    out = []
    for i, line in enumerate(lines):
        key = f"lines.{i}."
        product = line.product
        if product is None:
            errors.setdefault(key + "product", []).append(_("Choose a product."))
        elif product.discontinued and product.pk not in kept_product_ids:
            errors.setdefault(key + "product", []).append(
                _("“%(name)s” is discontinued: it cannot go on a new line.") % {"name": product.name})
        quantity = read_number(line.quantity, key + "quantity", errors, places=prices.quantity)
        if quantity is not None and quantity <= 0:
            errors.setdefault(key + "quantity", []).append(_("The quantity must be more than zero."))
        raw_price = line.unit_price
        if is_blank(raw_price) and product is not None and product.pk in defaults:
            raw_price = money.round_price(defaults[product.pk], prices.price)
        price = read_number(raw_price, key + "unit_price", errors, places=prices.price)
        if price is not None and price < 0:
            errors.setdefault(key + "unit_price", []).append(_("A price cannot be negative."))
        discount = read_number(line.discount_percent if line.discount_percent not in (None, "") else 0,
                               key + "discount_percent", errors, places=2)
        if discount is not None and not 0 <= discount <= HUNDRED:
            errors.setdefault(key + "discount_percent", []).append(_("The discount is a percentage from 0 to 100."))
        if product is not None and None not in (quantity, price, discount):
            out.append(CleanLine(product, quantity, price, discount))
    return out


def price_lines(lines: Sequence[LineInput], *, strategy: PriceStrategy | None, discount,
                kept_product_ids: set[int] | None = None, errors: dict | None = None) -> Priced:
    """Check the lines and the document discount (with the header's ``errors`` found so far) and
    compute the totals; one ValidationError with everything wrong, else what to store."""
    errors = {} if errors is None else errors
    cleaned = clean_lines(lines, strategy=strategy, kept_product_ids=kept_product_ids or set(), errors=errors)
    places = money.places().price
    doc_discount = read_number(discount if discount not in (None, "") else 0, "discount", errors, places=places)
    if doc_discount is not None and doc_discount < 0:
        errors.setdefault("discount", []).append(_("The discount cannot be negative."))
    if errors:
        raise ValidationError(errors)
    totals = compute_totals([(ln.quantity, ln.unit_price, ln.discount_percent) for ln in cleaned], doc_discount,
                            price_places=places)
    if totals.total < 0:
        raise ValidationError({"discount": [_("The discount is larger than the lines' total (%(subtotal)s).")
                                            % {"subtotal": totals.subtotal}]})
    if abs(totals.total) >= money_limit():
        raise ValidationError({"lines": [_("The amount is too large.")]})
    return Priced(cleaned, totals)


def line_inputs(lines: QuerySet) -> list[LineInput]:
    """A stored document's lines as input again (copying, converting, an API edit without lines)."""
    return [LineInput(ln.product, ln.quantity, ln.unit_price, ln.discount_percent)
            for ln in lines.select_related("product")]


def last_prices(line_model: type[Model], documents: QuerySet, product_ids: Iterable[int], *,
                document_field: str, date_field: str) -> dict[int, list[dict]]:
    """product id → the prices of its lines on ``documents`` (newest first, at most three).

    ``documents`` is already limited to what the user sees and to one customer; the lines are
    found through ``document_field`` and ordered by the document's ``date_field``."""
    ids = sorted({int(p) for p in product_ids})
    out: dict[int, list[dict]] = {pk: [] for pk in ids}
    if not ids:
        return out
    places = money.places().price
    doc = document_field
    rows = (line_model.objects.filter(product_id__in=ids, **{f"{doc}__in": documents.values("pk")})
            .order_by("product_id", f"-{doc}__{date_field}", f"-{doc}_id")
            .values_list("product_id", "unit_price", "discount_percent", f"{doc}__{date_field}", f"{doc}__number"))
    for product_id, price, discount, day, number in rows:
        if len(out[product_id]) < LAST_PRICES:
            out[product_id].append({"price": money.round_price(price, places), "discount": discount.normalize(),
                                    "date": day, "number": number})
    return out
