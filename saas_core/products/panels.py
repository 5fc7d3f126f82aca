"""The registry the product 360° page is built from (PRD-01), like the customers' (CUS-04).

Quotes, opportunities and orders register what they know about a product on start-up::

    from saas_core.products.panels import register_source

    register_source("interested", "quotes", _("Quotes"), rows=lambda request, product: [...])

- ``register_panel(key, label, template, context, ...)``: a whole panel of its own;
  ``context(request, product)`` returns the template's context or None to hide it.
- ``register_source(panel, key, label, rows)``: rows for one of the two built-in panels,
  "interested" (customers who were offered or asked about the product: opportunities, quotes)
  and "buyers" (customers who bought it: orders). ``rows(request, product)`` returns dicts with
  ``customer`` (its name), ``url``, ``what`` and ``when``, already limited to what the user may see.
  With no source registered the panel says so rather than showing an empty table as if nobody had.

This module imports no app above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from saas_core.records.panels import PanelRegistry


@dataclass(frozen=True)
class PanelSource:
    panel: str  # "interested" or "buyers"
    key: str
    label: str | Promise
    rows: Callable  # rows(request, product) -> list[dict]
    permission: tuple[str, str] | None = None


_sources: dict[tuple[str, str], PanelSource] = {}


registry = PanelRegistry()
register_panel = registry.register
unregister_panel = registry.unregister
panels = registry.panels
shown = registry.shown  # shown(request, product) -> [(panel, context)]


def register_source(panel: str, key: str, label: str | Promise, rows: Callable, *,
                    permission: tuple[str, str] | None = None) -> PanelSource:
    source = PanelSource(panel, key, label, rows, permission)
    _sources[(panel, key)] = source
    return source


def unregister_source(panel: str, key: str) -> None:
    _sources.pop((panel, key), None)


def sources(panel: str) -> list[PanelSource]:
    return [s for (p, _key), s in sorted(_sources.items()) if p == panel]
