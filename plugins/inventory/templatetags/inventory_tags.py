"""``{{ value|qty }}``: a quantity without trailing zeros (10, 2.5), never in exponent form."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def qty(value) -> str:
    if value is None or value == "":
        return ""
    from plugins.inventory.posting import format_quantity

    return format_quantity(Decimal(value))
