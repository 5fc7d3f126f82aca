"""Workbench panels, registered by the apps and modules that own them (RPT-01 grows here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable  # context(request) -> dict, or None to hide the panel for this user
    order: int = 100


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels_for(request) -> list[tuple[Panel, dict]]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        data = panel.context(request)
        if data is not None:
            shown.append((panel, data))
    return shown
