"""Who may do what with inventory: the role permission "Inventory" (registered by ``plugin.py``),
the keepers of each warehouse, and the "see cost price" right for costs and values."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from saas_core.org.access import can, has_right, is_boss
from saas_core.org.permissions import SEE_COST_PRICE

MODULE = "inventory"


def may(user, action: str) -> bool:
    return bool(user and user.is_authenticated and can(user, MODULE, action))


def sees_cost(user) -> bool:
    return bool(user and user.is_authenticated and has_right(user, SEE_COST_PRICE))


def keeps(user, warehouse) -> bool:
    """A keeper of ``warehouse``; a warehouse without keepers is kept by whoever may edit inventory,
    and the Boss keeps every warehouse."""
    if is_boss(user):
        return True
    keeper_ids = {u.pk for u in warehouse.keepers.all()}
    return user.pk in keeper_ids if keeper_ids else True


def may_confirm(user, warehouse) -> bool:
    return may(user, "edit") and keeps(user, warehouse)


def require_confirm(user, warehouse) -> None:
    if not may(user, "edit"):
        from saas_core.org.access import require

        require(user, MODULE, "edit")
    if not keeps(user, warehouse):
        raise PermissionDenied(_("Only a keeper of %(warehouse)s may confirm its documents.")
                               % {"warehouse": warehouse.name})
