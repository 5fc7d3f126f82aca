"""Amounts on quote pages at the company's price precision (the columns hold six places)."""

from django import template

from saas_core.money import round_price, round_quantity

register = template.Library()


@register.filter
def money(value) -> str:
    return "" if value is None or value == "" else str(round_price(value))


@register.filter
def qty(value) -> str:
    return "" if value is None or value == "" else str(round_quantity(value))


@register.filter
def percent(value) -> str:
    """A discount without trailing zeros (12.5, not 12.5000)."""
    if value is None or value == "":
        return ""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


@register.filter
def doc_kind(document) -> str:
    """What kind of document it is ("Contract", "Order"), in the reader's language."""
    return str(document._meta.verbose_name).capitalize()
