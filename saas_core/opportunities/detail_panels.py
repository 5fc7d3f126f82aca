"""The link point of the opportunity detail page: panels other apps add (quotes, contracts …).

    from saas_core.opportunities.detail_panels import register_detail_panel

    def _quotes(request, opportunity):
        return {"quotes": visible(Quote.objects.filter(opportunity=opportunity), request.user)[:20]}

    register_detail_panel("quotes", _("Quotes"), "quotes/_opportunity_quotes.html", _quotes, order=30,
                          permission=("quotes", "view"))

``context(request, opportunity)`` returns the template's context or None to hide the panel; the
template also gets ``opportunity`` and ``panel``. This module imports no app above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class DetailPanel:
    key: str
    label: str | Promise
    template: str
    context: Callable  # context(request, opportunity) -> dict | None
    order: int = 100
    permission: tuple[str, str] | None = None


_panels: dict[str, DetailPanel] = {}


def register_detail_panel(key: str, label: str | Promise, template: str, context: Callable, *, order: int = 100,
                          permission: tuple[str, str] | None = None) -> DetailPanel:
    panel = _panels[key] = DetailPanel(key, label, template, context, order, tuple(permission) if permission else None)
    return panel


def unregister_detail_panel(key: str) -> None:
    _panels.pop(key, None)


def panels_for(request, opportunity) -> list[tuple[DetailPanel, dict]]:
    """The registered panels this user may see on this opportunity, loaded, in order."""
    from saas_core.org.access import can

    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if panel.permission and not can(request.user, *panel.permission):
            continue
        data = panel.context(request, opportunity)
        if data is not None:
            shown.append((panel, data))
    return shown
