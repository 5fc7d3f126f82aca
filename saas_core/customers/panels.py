"""The registry the customer 360° view is built from: tabs and panels (CUS-04).

The page is a summary header over tabs (基本信息 / 联系人 / 跟进 / 任务 / 附件 / 日志 and any a
module adds); each tab holds panels. An app or module registers its panel on start-up (in its
``AppConfig.ready``, e.g. from its menus.py)::

    from saas_core.customers.panels import register_panel

    def _quotes(request, customer):
        return {"quotes": Quote.objects.filter(customer=customer)[:10]}

    register_panel("quotes", _("Quotes"), "sfa/_customer_quotes.html", _quotes, order=60,
                   section="opportunities", permission=("opportunities", "view"), lazy=True)

- ``context(request, customer)`` (the loader) returns the template's context (a dict) or None to
  hide the panel; the template also gets ``customer``, ``panel`` and ``request``.
- ``permission`` ``(module, action)`` and ``visible(request, customer)`` decide cheaply whether
  the panel (and so its tab) shows at all, without running the loader.
- ``lazy`` panels run their loader only when their tab is shown: the page holds a placeholder
  that fetches ``customers:panel`` (which checks tenant, data scope and permission like the page)
  and a plain link to the same URL for a browser without JavaScript.
- ``tab`` is the tab key; by default a "side" panel joins "basic" and a "main" panel gets a tab of
  its own (labelled like the panel) unless a tab of its key is registered (``register_tab``).
- ``section`` is a customer section key (``saas_core.org.permissions.register_customer_section``):
  the Customer service role sees only the sections the Boss allowed it; every other role sees all.
- ``column`` places the panel within its tab: "main" (wide, left) or "side" (narrow, right).

Modules that are on for the tenant add panels through the ``crm_customer_panels`` hook; the
plugins app feeds them in with ``register_panel_source`` (this module imports no app above it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from saas_core.org import permissions as org_permissions


@dataclass(frozen=True)
class CustomerTab:
    key: str
    label: str | Promise
    order: int = 100


@dataclass(frozen=True)
class CustomerPanel:
    key: str
    label: str | Promise
    template: str
    context: Callable  # context(request, customer) -> dict | None
    order: int = 100
    section: str = "basic"
    column: str = "main"
    tab: str = ""
    lazy: bool = False
    permission: tuple[str, str] | None = None
    visible: Callable | None = None  # visible(request, customer) -> bool, cheap

    @property
    def tab_key(self) -> str:
        return self.tab or ("basic" if self.column == "side" else self.key)


@dataclass(frozen=True)
class CustomerFigure:
    """A key figure of the summary header (contacts, last and next follow-up, open tasks)."""

    key: str
    label: str | Promise
    value: Callable  # value(request, customer) -> str | int | None ("—" when None)
    order: int = 100
    tab: str = ""  # the tab the figure links to
    permission: tuple[str, str] | None = None


_figures: dict[str, CustomerFigure] = {}
_tabs: dict[str, CustomerTab] = {}
_panels: dict[str, CustomerPanel] = {}
_sources: list[Callable] = []


def register_tab(key: str, label: str | Promise, *, order: int = 100) -> CustomerTab:
    tab = _tabs[key] = CustomerTab(key, label, order)
    return tab


def register_figure(
    key: str, label: str | Promise, value: Callable, *, order: int = 100, tab: str = "",
    permission: tuple[str, str] | None = None,
) -> CustomerFigure:
    figure = _figures[key] = CustomerFigure(key, label, value, order, tab, tuple(permission) if permission else None)
    return figure


def figures_for(request, customer) -> list[tuple[CustomerFigure, object]]:
    """The header's key figures this user may see, with their values."""
    from saas_core.org.access import can

    return [
        (figure, figure.value(request, customer))
        for figure in sorted(_figures.values(), key=lambda f: (f.order, f.key))
        if not figure.permission or can(request.user, *figure.permission)
    ]


def make_panel(
    key: str, label: str | Promise, template: str, context: Callable, *, order: int = 100, section: str = "basic",
    column: str = "main", tab: str = "", lazy: bool = False, permission: tuple[str, str] | None = None,
    visible: Callable | None = None,
) -> CustomerPanel:
    """A checked panel (its ``section`` must be a registered customer section)."""
    if section not in {s.key for s in org_permissions.customer_sections()}:
        raise LookupError(
            f"unknown customer section {section!r} for panel {key!r}; "
            "register it with saas_core.org.permissions.register_customer_section"
        )
    if column not in ("main", "side"):
        raise ValueError(f"column must be 'main' or 'side', not {column!r}")
    return CustomerPanel(key, label, template, context, order, section, column, tab, lazy,
                         tuple(permission) if permission else None, visible)


def register_panel(key: str, label: str | Promise, template: str, context: Callable, **options) -> CustomerPanel:
    """Register (or replace) a 360° panel; the options are ``make_panel``'s."""
    panel = _panels[key] = make_panel(key, label, template, context, **options)
    return panel


def unregister_panel(key: str) -> None:
    _panels.pop(key, None)


def register_panel_source(source: Callable[[object], Iterable[dict]]) -> None:
    """Add panels per request: ``source(request)`` returns ``make_panel`` keyword dicts (the plugins
    app turns the enabled modules' ``crm_customer_panels`` into these). Module panels are lazy
    unless they say otherwise."""
    if source not in _sources:
        _sources.append(source)


def registered_panels() -> list[CustomerPanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def _request_panels(request) -> list[CustomerPanel]:
    extra = [make_panel(**{"lazy": True, **raw}) for source in _sources for raw in source(request)]
    return sorted([*registered_panels(), *extra], key=lambda p: (p.order, p.key))


def _may_see(request, customer, panel: CustomerPanel, allowed: list[str] | None) -> bool:
    from saas_core.org.access import can

    if allowed is not None and panel.section not in allowed:
        return False
    if panel.permission and not can(request.user, *panel.permission):
        return False
    return panel.visible is None or bool(panel.visible(request, customer))


def visible_panels(request, customer) -> list[CustomerPanel]:
    """The panels this user may see of this customer, in order, without running their loaders."""
    from saas_core.org.access import customer_sections

    allowed = customer_sections(request.user)
    return [p for p in _request_panels(request) if _may_see(request, customer, p, allowed)]


def find_panel(request, customer, key: str) -> CustomerPanel | None:
    return next((p for p in visible_panels(request, customer) if p.key == key), None)


def tab_of(panel: CustomerPanel) -> CustomerTab:
    key = panel.tab_key
    return _tabs.get(key) or CustomerTab(key, panel.label, panel.order)


def detail_url(customer_pk: int, panel_key: str = "") -> str:
    """The 360° view opened on the tab holding ``panel_key`` (a redirect after a change in it)."""
    from django.urls import reverse

    url = reverse("customers:detail", args=[customer_pk])
    panel = _panels.get(panel_key)
    if panel is None:
        return url
    return f"{url}?tab={panel.tab_key}#panel-{panel.key}"


def tabs_for(panels: Iterable[CustomerPanel]) -> list[tuple[CustomerTab, list[CustomerPanel]]]:
    """The tabs that have a panel, in order, each with its panels."""
    grouped: dict[str, tuple[CustomerTab, list[CustomerPanel]]] = {}
    for panel in panels:
        tab = tab_of(panel)
        grouped.setdefault(tab.key, (tab, []))[1].append(panel)
    return sorted(grouped.values(), key=lambda item: (item[0].order, item[0].key))


def panels_for(request, customer) -> list[tuple[CustomerPanel, dict]]:
    """Every panel this user may see of this customer, loaded (lazy ones too), in order."""
    shown = []
    for panel in visible_panels(request, customer):
        data = panel.context(request, customer)
        if data is not None:
            shown.append((panel, data))
    return shown


# The tabs every company has; the labels carry a context because "Log" or "Tasks" alone also
# name other things (a verb, the task list page).
for _key, _label, _order in (
    ("basic", pgettext_lazy("customer tab", "Basic information"), 10),
    ("contacts", pgettext_lazy("customer tab", "Contacts"), 20),
    ("followups", pgettext_lazy("customer tab", "Follow-ups"), 30),
    ("tasks", pgettext_lazy("customer tab", "Tasks"), 40),
    ("attachments", pgettext_lazy("customer tab", "Attachments"), 50),
    ("log", pgettext_lazy("customer tab", "Log"), 90),
):
    register_tab(_key, _label, order=_order)
