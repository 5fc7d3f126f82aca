from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django import template

from billing.money import format_money

register = template.Library()


@register.filter
def money(amount_minor, currency: str) -> str:
    """``{{ plan.price_per_seat_minor|money:plan.currency }}`` → ``¥99.00``."""
    if amount_minor in (None, ""):
        return ""
    amount = amount_minor if isinstance(amount_minor, Decimal) else int(amount_minor)  # MRR is a Decimal
    return format_money(amount, currency or "CNY")


@register.filter
def from_timestamp(value):
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


@register.simple_tag
def subscription_state(tenant):
    """``{% subscription_state tenant as state %}``: the company's state and its sentence (billing.state)."""
    from django.conf import settings

    from billing.state import state_of

    if tenant is None or getattr(tenant, "pk", None) is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return None
    return state_of(tenant)
