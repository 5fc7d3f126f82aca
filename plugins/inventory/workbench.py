"""The workbench panel "Stock alerts": products whose total stock is below their minimum or above
their maximum (``StockRule``), shown where the module is on to whoever may view inventory."""

from __future__ import annotations

from web.workbench import Panel, register

LIMIT = 10


def stock_alerts(request):
    from plugins import enablement
    from plugins.inventory import access, queries

    if not enablement.is_enabled(access.MODULE, getattr(request, "tenant", None)) or not access.may(request.user, "view"):
        return None
    low, high = queries.stock_alerts(limit=LIMIT)
    return {"low": low, "high": high}


register(Panel("inventory_alerts", "inventory/_workbench.html", stock_alerts, order=25))
