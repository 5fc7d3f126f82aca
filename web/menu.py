"""The staff menu, built from registered entries so later features and modules add their own.

Only registered entries are shown, so a part of the product that is not built (or a module
that is switched off) has no menu entry rather than a dead link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str | Promise
    url_name: str
    section: str  # the seeds' top-level menu; decides the group when none is given
    order: int = 100
    menus: frozenset[str] = frozenset({"quick", "advanced"})
    visible: Callable | None = None  # visible(request) -> bool
    group: str = ""  # a key of GROUPS (the sidebar's group), or "" for the section's
    query: str = ""  # appended to the URL, e.g. "kind=schedule"

    def __post_init__(self) -> None:
        if not self.group:
            object.__setattr__(self, "group", SECTION_GROUPS.get(self.section, "system"))

    def url(self) -> str:
        # Reversed once per URL configuration: every page renders the whole menu.
        key = (self.url_name, get_urlconf(), get_script_prefix())
        url = _urls.get(key)
        if url is None:
            url = _urls[key] = reverse(self.url_name) + (f"?{self.query}" if self.query else "")
        return url


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: str | Promise
    order: int
    icon: str  # a key of web.icons.PATHS
    entries: list[MenuEntry] = field(default_factory=list)


# The sidebar's groups, in their order. "home" is the workbench above the groups; "me" is the
# user menu of the top bar (personal pages), not the sidebar. A group with no entry the user
# may open is not shown, so a part of the product not built yet has no empty heading.
GROUPS: dict[str, tuple[str | Promise, int, str]] = {
    "home": (_("Workbench"), 0, "workbench"),
    "customers": (pgettext_lazy("menu group", "Customers"), 10, "customers"),
    "activities": (pgettext_lazy("menu group", "Activities"), 20, "activities"),
    "sales": (pgettext_lazy("menu group", "Sales"), 30, "sales"),
    "service": (pgettext_lazy("menu group", "Service"), 40, "service"),
    "reports": (pgettext_lazy("menu group", "Reports"), 50, "reports"),
    "modules": (pgettext_lazy("menu group", "Modules"), 60, "modules"),
    "system": (pgettext_lazy("menu group", "System"), 70, "system"),
    "me": (_("My account"), 80, "person"),
}

# Where an entry registered with only a seeds' section goes (modules written before groups).
SECTION_GROUPS: dict[str, str] = {
    "workbench": "home", "customers": "customers", "contacts": "customers", "projects": "sales",
    "schedule": "activities", "opportunities": "sales", "contracts": "sales", "service": "service",
    "products": "sales", "purchasing": "modules", "inventory": "modules", "marketing": "modules",
    "account": "system", "tools": "system",
}

_entries: dict[str, MenuEntry] = {}
_urls: dict[tuple, str] = {}
_sources: list[Callable[[object], Iterable[dict]]] = []
_from_specs: dict[tuple, MenuEntry] = {}


def register(entry: MenuEntry) -> None:
    _entries[entry.key] = entry


def register_entry_source(source: Callable[[object], Iterable[dict]]) -> None:
    """Add entries per request: ``source(request)`` returns entry specs (``entry_from_spec``).

    The plugins app registers the enabled modules' ``crm_menu_entries`` this way on start-up, so
    this registry imports no app or module above it.
    """
    if source not in _sources:
        _sources.append(source)


def entry_from_spec(spec: dict) -> MenuEntry:
    """A MenuEntry from a module's spec ``{"key", "label", "url_name", "group" | "section", "order",
    "permission": (module, action)}``; one object per distinct spec (the menu is built per request)."""
    permission = tuple(spec.get("permission") or ())
    section = spec.get("section", "marketing")
    key = (spec["key"], spec["url_name"], section, spec.get("group", ""), spec.get("order", 100), permission)
    entry = _from_specs.get(key)
    if entry is None:
        visible = None
        if permission:
            def visible(request, _perm=permission) -> bool:
                from saas_core.org.access import can

                return can(request.user, *_perm)
        entry = _from_specs[key] = MenuEntry(spec["key"], spec["label"], spec["url_name"], section,
                                             order=spec.get("order", 100), visible=visible,
                                             group=spec.get("group", ""))
    return entry


def _open_entries(request, mode: str) -> list[MenuEntry]:
    """The entries this user may open, in order; the registered sources' entries (the enabled
    modules' ``crm_menu_entries``) join the registered ones per request."""
    # The sidebar and the "+" menu both ask on every page: the entries the user may open are
    # worked out once per request, each menu takes its own.
    allowed = getattr(request, "_menu_entries", None)
    if allowed is None:
        extra = [entry_from_spec(spec) for source in _sources for spec in source(request)]
        allowed = request._menu_entries = [
            entry for entry in sorted([*_entries.values(), *extra], key=lambda e: e.order)
            if not (entry.visible and not entry.visible(request))
        ]
    return [entry for entry in allowed if mode in entry.menus]


def active_entry(request, groups: dict[str, MenuGroup]) -> str:
    """The key of the entry whose page this is: the longest entry URL the path starts with, so a
    customer's 360° page (/customers/7/) highlights "Customers" and a new task "Schedules and tasks"."""
    path, best, length = request.path, "", 0
    for group in groups.values():
        for entry in group.entries:
            url = entry.url().split("?")[0]
            if len(url) > length and url != "/" and path.startswith(url):
                best, length = entry.key, len(url)
    return best


def quick_create(request) -> list[MenuEntry]:
    """The top bar's "+" menu: the entries registered with ``menus={"create"}`` this user may open."""
    return _open_entries(request, "create")


def build_groups(request, mode: str) -> dict[str, MenuGroup]:
    """The sidebar's groups (and "home", "me") with at least one entry this user may open, in order."""
    groups: dict[str, MenuGroup] = {}
    for entry in _open_entries(request, mode):
        label, order, icon = GROUPS.get(entry.group, GROUPS["system"])
        key = entry.group if entry.group in GROUPS else "system"
        groups.setdefault(key, MenuGroup(key, label, order, icon)).entries.append(entry)
    return dict(sorted(groups.items(), key=lambda item: item[1].order))


def is_boss(request) -> bool:
    return getattr(request.user, "is_boss", False)


register(MenuEntry("workbench", _("Workbench"), "web:workbench", "workbench", order=1))
register(MenuEntry("settings", _("My settings"), "accounts:settings", "account", order=10, group="me"))
register(MenuEntry("password", _("Change password"), "accounts:password_change", "account", order=20, group="me"))
register(MenuEntry("users", _("Users"), "accounts:user_list", "account", order=30, visible=is_boss))
register(MenuEntry("login_log", _("Login log"), "accounts:login_log", "account", order=40, visible=is_boss))
register(MenuEntry("company", _("Company settings"), "tenants:company_settings", "account", order=50, visible=is_boss))
register(MenuEntry("modules", _("Modules"), "modules:list", "account", order=55, visible=is_boss))
register(MenuEntry("api_docs", _("API documentation"), "api-docs", "tools", order=60, group="me"))
