"""The product 360°'s two built-in panels: customers interested (opportunities, quotes) and buyers
(orders). Their rows come from the sources other apps register (saas_core.products.panels)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas_core.org.access import can
from saas_core.products import panels

TEMPLATE = "products/_customers_panel.html"


def _groups(request, product, panel: str) -> list[dict]:
    out = []
    for source in panels.sources(panel):
        if source.permission and not can(request.user, *source.permission):
            continue
        out.append({"label": source.label, "rows": source.rows(request, product)})
    return out


def _interested(request, product) -> dict:
    return {
        "groups": _groups(request, product, "interested"), "empty": _("No customer yet."),
        "not_yet": _("Customers interested come from opportunities and quotes that name this product; "
                     "neither is recorded in this workspace yet."),
    }


def _buyers(request, product) -> dict:
    return {
        "groups": _groups(request, product, "buyers"), "empty": _("No customer yet."),
        "not_yet": _("Buyers come from orders, which this workspace does not record yet."),
    }


panels.register_panel("interested", gettext_lazy("Customers interested"), TEMPLATE, _interested, order=10)
panels.register_panel("buyers", gettext_lazy("Buyers"), TEMPLATE, _buyers, order=20)
