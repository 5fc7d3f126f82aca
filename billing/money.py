"""Money in integer minor units with its currency; Decimal only for showing it."""

from __future__ import annotations

from decimal import Decimal

# Currencies whose smallest unit is the unit itself (Stripe's zero-decimal currencies we sell in).
ZERO_DECIMAL = frozenset({"JPY"})
SYMBOLS = {"CNY": "¥", "JPY": "¥", "USD": "$", "HKD": "HK$", "TWD": "NT$", "SGD": "S$", "EUR": "€", "GBP": "£"}


def to_decimal(amount_minor: int, currency: str) -> Decimal:
    digits = 0 if currency.upper() in ZERO_DECIMAL else 2
    return (Decimal(amount_minor) / (10**digits)).quantize(Decimal(1).scaleb(-digits))


def format_money(amount_minor: int, currency: str) -> str:
    """``¥1,234.50`` (a minus sign in front of credits)."""
    currency = currency.upper()
    value = to_decimal(abs(amount_minor), currency)
    sign = "-" if amount_minor < 0 else ""
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{value:,}"
