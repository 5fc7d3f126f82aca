"""Panels of a record's page that other apps add, one registry per kind of page.

The opportunity detail page (quotes, contracts … on it) and the product 360° (customers interested,
buyers …) are built the same way: apps register a panel on start-up, the page shows those the user
may see, loaded, in order. The customer 360° (saas_core.customers.panels) keeps its own registry:
it adds tabs, lazy panels, figures and per-role sections on top of this shape.

    from saas_core.records.panels import PanelRegistry

    opportunity_panels = PanelRegistry()                       # in the page's app
    opportunity_panels.register("quotes", _("Quotes"), "quotes/_opportunity_quotes.html", _quotes,
                                order=30, permission=("quotes", "view"))   # in any app above it
    for panel, data in opportunity_panels.shown(request, opportunity): ...  # in the page's view

``context(request, record)`` returns the template's context, or None to hide the panel. This
module imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Panel:
    key: str
    label: str | Promise
    template: str
    context: Callable  # context(request, record) -> dict | None
    order: int = 100
    permission: tuple[str, str] | None = None  # (module, action) the user needs


class PanelRegistry:
    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def register(self, key: str, label: str | Promise, template: str, context: Callable, *, order: int = 100,
                 permission: tuple[str, str] | None = None) -> Panel:
        panel = self._panels[key] = Panel(key, label, template, context, order,
                                          tuple(permission) if permission else None)
        return panel

    def unregister(self, key: str) -> None:
        self._panels.pop(key, None)

    def panels(self) -> list[Panel]:
        return sorted(self._panels.values(), key=lambda p: (p.order, p.key))

    def shown(self, request, record) -> list[tuple[Panel, dict]]:
        """The panels this user may see on ``record``, with their loaded context, in order."""
        from saas_core.org.access import can

        out = []
        for panel in self.panels():
            if panel.permission and not can(request.user, *panel.permission):
                continue
            data = panel.context(request, record)
            if data is not None:
                out.append((panel, data))
        return out
