from __future__ import annotations

from datetime import UTC, datetime

from django import template

from billing.money import format_money

register = template.Library()


@register.filter
def money(amount_minor, currency: str) -> str:
    """``{{ plan.price_per_seat_minor|money:plan.currency }}`` → ``¥99.00``."""
    if amount_minor in (None, ""):
        return ""
    return format_money(int(amount_minor), currency or "CNY")


@register.filter
def from_timestamp(value):
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None
