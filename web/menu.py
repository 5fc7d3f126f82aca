"""The staff menu, built from registered entries so later features and modules add their own.

Only registered entries are shown, so a part of the product that is not built (or a module
that is switched off) has no menu entry rather than a dead link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str | Promise
    url_name: str
    section: str  # the top-level menu group key
    order: int = 100
    menus: frozenset[str] = frozenset({"quick", "advanced"})
    visible: Callable | None = None  # visible(request) -> bool

    def url(self) -> str:
        # Reversed once per URL configuration: every page renders the whole menu.
        key = (self.url_name, get_urlconf(), get_script_prefix())
        url = _urls.get(key)
        if url is None:
            url = _urls[key] = reverse(self.url_name)
        return url


@dataclass(frozen=True)
class MenuSection:
    key: str
    label: str | Promise
    order: int
    entries: list[MenuEntry] = field(default_factory=list)


# The seeds' top-level groups, in their order (quick menu / advanced menu).
SECTIONS: dict[str, tuple[str | Promise, int]] = {
    "workbench": (_("Workbench"), 10),
    "customers": (_("Customers"), 20),
    "contacts": (_("Contacts"), 30),
    "projects": (_("Projects"), 35),
    "schedule": (_("Schedule"), 40),
    "opportunities": (_("Opportunities"), 50),
    "contracts": (_("Contracts & orders"), 60),
    "service": (_("Service"), 70),
    "products": (_("Products"), 80),
    "purchasing": (_("Purchasing"), 90),
    "inventory": (_("Inventory"), 100),
    "marketing": (_("Marketing"), 110),
    "account": (_("Account"), 120),
    "tools": (_("Tools"), 130),
}

_entries: dict[str, MenuEntry] = {}
_urls: dict[tuple, str] = {}


def register(entry: MenuEntry) -> None:
    _entries[entry.key] = entry


def build_menu(request, mode: str) -> list[MenuSection]:
    """The sections with at least one entry this user may open, each with those entries.

    The enabled modules' entries (``crm_menu_entries``) join the registered ones per request.
    """
    from plugins.gate import menu_entries

    sections: dict[str, MenuSection] = {}
    for entry in sorted([*_entries.values(), *menu_entries(request)], key=lambda e: e.order):
        if mode not in entry.menus or (entry.visible and not entry.visible(request)):
            continue
        label, order = SECTIONS[entry.section]
        sections.setdefault(entry.section, MenuSection(entry.section, label, order)).entries.append(entry)
    return sorted(sections.values(), key=lambda s: s.order)


def is_boss(request) -> bool:
    return getattr(request.user, "is_boss", False)


register(MenuEntry("workbench", _("Workbench"), "web:workbench", "workbench", order=1))
register(MenuEntry("settings", _("My settings"), "accounts:settings", "account", order=10))
register(MenuEntry("password", _("Change password"), "accounts:password_change", "account", order=20))
register(MenuEntry("users", _("Users"), "accounts:user_list", "account", order=30, visible=is_boss))
register(MenuEntry("login_log", _("Login log"), "accounts:login_log", "account", order=40, visible=is_boss))
register(MenuEntry("company", _("Company settings"), "tenants:company_settings", "account", order=50, visible=is_boss))
register(MenuEntry("modules", _("Modules"), "modules:list", "account", order=55, visible=is_boss))
register(MenuEntry("api_docs", _("API documentation"), "api-docs", "tools", order=10))
