"""Who may see what of the catalogue: one answer for the cost price, used by every page, serializer,
export, picker and (later) quote line."""

from __future__ import annotations

from saas_core.org.access import can, has_right
from saas_core.org.permissions import SEE_COST_PRICE


def may_see_cost(user) -> bool:
    """The "see cost price" right (the Boss always has it)."""
    return bool(getattr(user, "is_authenticated", False)) and has_right(user, SEE_COST_PRICE)


def may_view(user) -> bool:
    return can(user, "products", "view")


def may_manage_catalogue(user) -> bool:
    """Categories and price strategies change with the products' edit right."""
    return can(user, "products", "edit")
