"""Money in integer minor units with its currency; Decimal only for showing it."""

from __future__ import annotations

from decimal import Decimal

# Currencies whose smallest unit is the unit itself (Stripe's zero-decimal currencies we sell in).
ZERO_DECIMAL = frozenset({"JPY"})
SYMBOLS = {"CNY": "¥", "JPY": "¥", "USD": "$", "HKD": "HK$", "TWD": "NT$", "SGD": "S$", "EUR": "€", "GBP": "£"}


def to_decimal(amount_minor: int | Decimal, currency: str) -> Decimal:
    """Minor units (an int, or a Decimal such as a monthly share of a yearly price) in major units."""
    digits = decimals(currency)
    return (Decimal(amount_minor) / (10**digits)).quantize(Decimal(1).scaleb(-digits))


def format_money(amount_minor: int | Decimal, currency: str) -> str:
    """``¥1,234.50`` (a minus sign in front of credits)."""
    currency = currency.upper()
    value = to_decimal(abs(amount_minor), currency)
    sign = "-" if amount_minor < 0 else ""
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{value:,}"


def decimals(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def to_minor(amount: Decimal, currency: str) -> int:
    """``Decimal("198.5")`` CNY → 19850; ValueError if it has more decimals than the currency."""
    scaled = Decimal(amount).scaleb(decimals(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(scaled)
