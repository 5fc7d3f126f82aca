"""Money and quantities: Decimal everywhere, rounded HALF_UP to the company's precision (SYS-01).

Every sales document (opportunities, quotes, contracts, orders, payments) rounds through here so
that a line total on the page, in the API, in an export and in the database is the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from saas_core import request_memo

# Column size every money/quantity field uses: 18 digits with up to 6 places covers precision 0–6.
MAX_DIGITS = 18
DECIMAL_PLACES = 6


@dataclass(frozen=True)
class Places:
    price: int = 2
    quantity: int = 2


def places() -> Places:
    """The current company's precision (read once per request)."""
    from saas_core.system.models import SystemSettings

    memo = request_memo.current()
    if memo is not None and "money.places" in memo:
        return memo["money.places"]
    row = SystemSettings.objects.filter(pk=1).values_list("price_places", "quantity_places").first()
    result = Places(*row) if row else Places()
    if memo is not None:
        memo["money.places"] = result
    return result


def _quantum(places_: int) -> Decimal:
    return Decimal(1).scaleb(-places_)


def as_decimal(value) -> Decimal:
    """``value`` as a Decimal (never via float); ValidationError when it is not a number."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}, code="invalid") from None


def round_price(value, places_: int | None = None) -> Decimal:
    """An amount rounded HALF_UP to the price precision."""
    return as_decimal(value).quantize(_quantum(places().price if places_ is None else places_), ROUND_HALF_UP)


def round_quantity(value, places_: int | None = None) -> Decimal:
    """A quantity rounded HALF_UP to the quantity precision."""
    return as_decimal(value).quantize(
        _quantum(places().quantity if places_ is None else places_), ROUND_HALF_UP)


def check_places(value: Decimal, places_: int) -> None:
    """Refuse a number with more decimals than the precision allows (rather than rounding silently)."""
    exponent = as_decimal(value).normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places_:
        raise ValidationError(
            _("At most %(places)d decimal places are allowed.") % {"places": places_}, code="max_decimal_places")


def line_total(quantity, price, discount_percent=0, *, price_places: int | None = None) -> Decimal:
    """qty × price × (1 − discount%), rounded to the price precision."""
    factor = (Decimal(100) - as_decimal(discount_percent)) / Decimal(100)
    return round_price(as_decimal(quantity) * as_decimal(price) * factor, price_places)
