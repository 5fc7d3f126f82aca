"""The product 360° panel "Stock" (stock per warehouse), shown where the module is on to whoever
may view inventory; cost and value only with the "see cost price" right. Read from the balances."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saas_core.products.panels import register_panel


def stock_per_warehouse(request, product) -> dict | None:
    from plugins import enablement
    from plugins.inventory import access, queries

    if not enablement.is_enabled(access.MODULE, getattr(request, "tenant", None)) or not access.may(request.user, "view"):
        return None
    rows = list(queries.stock(product=product))
    return {"product": product, "rows": rows, "sees_cost": access.sees_cost(request.user),
            "may_edit": access.may(request.user, "edit"),
            "total": sum((r.quantity for r in rows), 0)}


register_panel("inventory_stock", _("Stock per warehouse"), "inventory/_product_panel.html", stock_per_warehouse,
               order=5)
