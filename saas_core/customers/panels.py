"""The customer 360° view is built from registered panels (CUS-04).

An app or module adds a panel on start-up (in its ``AppConfig.ready``, e.g. from its menus.py)::

    from saas_core.customers.panels import register_panel

    def _quotes(request, customer):
        if not can(request.user, "opportunities", "view"):
            return None                      # hidden for this user
        return {"quotes": Quote.objects.filter(customer=customer)[:10]}

    register_panel("quotes", _("Quotes"), "sfa/_customer_quotes.html", _quotes, order=60, section="opportunities")

- ``context(request, customer)`` returns the template's context (a dict) or None to hide the panel;
  the template also gets ``customer``, ``panel`` and ``request``.
- ``section`` is a customer section key (``saas_core.org.permissions.register_customer_section``):
  the Customer service role sees only the sections the Boss allowed it
  (``org.access.customer_sections``); every other role sees every section.
- ``column`` places the panel: "main" (wide, left) or "side" (narrow, right).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from saas_core.org import permissions as org_permissions
from saas_core.org.access import customer_sections


@dataclass(frozen=True)
class CustomerPanel:
    key: str
    label: str | Promise
    template: str
    context: Callable  # context(request, customer) -> dict | None
    order: int = 100
    section: str = "basic"
    column: str = "main"


_panels: dict[str, CustomerPanel] = {}


def register_panel(
    key: str, label: str | Promise, template: str, context: Callable, *, order: int = 100, section: str = "basic",
    column: str = "main",
) -> CustomerPanel:
    """Register (or replace) a 360° panel; its ``section`` must be a registered customer section."""
    if section not in {s.key for s in org_permissions.customer_sections()}:
        raise LookupError(
            f"unknown customer section {section!r} for panel {key!r}; "
            "register it with saas_core.org.permissions.register_customer_section"
        )
    if column not in ("main", "side"):
        raise ValueError(f"column must be 'main' or 'side', not {column!r}")
    panel = CustomerPanel(key, label, template, context, order, section, column)
    _panels[key] = panel
    return panel


def unregister_panel(key: str) -> None:
    _panels.pop(key, None)


def registered_panels() -> list[CustomerPanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def panels_for(request, customer) -> list[tuple[CustomerPanel, dict]]:
    """The panels this user may see of this customer, with their contexts, in order.

    The enabled modules' panels (``crm_customer_panels``) join the registered ones per request.
    """
    from plugins.gate import customer_panels

    allowed = customer_sections(request.user)
    shown = []
    panels = sorted([*registered_panels(), *customer_panels(request)], key=lambda p: (p.order, p.key))
    for panel in panels:
        if allowed is not None and panel.section not in allowed:
            continue
        data = panel.context(request, customer)
        if data is not None:
            shown.append((panel, data))
    return shown


# --- the built-in panels ------------------------------------------------------------------------
# Contexts read ``request.customer_forms`` (set by a view that re-renders the page after a
# rejected change) so the form comes back with its errors.


def _bound_form(request, key: str):
    return getattr(request, "customer_forms", {}).get(key)


def _fresh(customer):
    """A separate copy for a ModelForm to validate against (it writes the values into its instance)."""
    return type(customer).objects.get(pk=customer.pk)


def _basic(request, customer) -> dict:
    from saas_core.customers import access
    from saas_core.customers.forms import ClassifyForm

    editable = access.can_edit(request.user, customer)
    form = _bound_form(request, "classify") or (ClassifyForm(instance=_fresh(customer)) if editable else None)
    return {"can_edit": editable, "classify_form": form}


def _hot(request, customer) -> dict:
    from saas_core.customers import access
    from saas_core.customers.forms import HotForm
    from saas_core.customers.queries import is_hot_now

    editable = access.can_edit(request.user, customer)
    hot_now = is_hot_now(customer)
    form = _bound_form(request, "hot") or (HotForm(instance=_fresh(customer)) if editable else None)
    return {"hot_now": hot_now, "expired": customer.is_hot and not hot_now, "can_edit": editable, "hot_form": form}


def _contacts(request, customer) -> dict | None:
    from saas_core.customers import access
    from saas_core.org.access import can

    user = request.user
    if not can(user, "contacts", "view"):
        return None
    editable = access.can_edit(user, customer)
    return {
        "contacts": list(customer.contacts.select_related("role", "category")),
        "can_add": editable and can(user, "contacts", "create"),
        "can_change": editable and can(user, "contacts", "edit"),
        "can_remove": access.can_delete(user, customer) and can(user, "contacts", "delete"),
    }


def _children(request, customer) -> dict:
    from saas_core.org.scope import visible

    children = visible(customer.children.all(), request.user).select_related("owner").order_by("name", "pk")
    return {"children": list(children[:50]), "parent": customer.parent if customer.parent_id else None}


def _data_log(request, customer) -> dict | None:
    from django.urls import reverse

    from saas_core.org.access import is_boss
    from saas_core.records.history import history_of

    if not is_boss(request.user):  # the data log is the Boss's (LOG-01)
        return None
    return {
        "entries": history_of(customer)[:5],
        "history_url": reverse("records:history", args=[customer._meta.label_lower, customer.pk]),
    }


def _shares(request, customer) -> dict:
    """"Shared with": everyone who sees the customer sees the list; who may change it shares (CUS-05)."""
    from saas_core.customers import access, sharing
    from saas_core.customers.action_forms import ShareForm, shown_until

    editable = access.can_edit(request.user, customer)
    shares = list(sharing.shares_of(customer))
    for share in shares:
        share.expired, share.until = sharing.is_expired(share), shown_until(share.expires_at)
    form = _bound_form(request, "share") or (ShareForm(customer=customer, user=request.user) if editable else None)
    return {"shares": shares, "can_share": editable, "share_form": form}


def _register_builtin() -> None:
    from django.utils.translation import gettext_lazy as _

    register_panel("basic", _("Basic information"), "customers/panels/basic.html", _basic, order=10, section="basic")
    register_panel("contacts", _("Contacts"), "customers/panels/contacts.html", _contacts, order=20, section="contacts")
    register_panel("data_log", _("Data log"), "customers/panels/data_log.html", _data_log, order=90, section="basic")
    register_panel("hot", _("Hot flag"), "customers/panels/hot.html", _hot, order=10, section="basic", column="side")
    register_panel("children", _("Sub-customers"), "customers/panels/children.html", _children, order=20,
                   section="basic", column="side")
    register_panel("shares", _("Shared with"), "customers/panels/shares.html", _shares, order=15, section="basic",
                   column="side")


_register_builtin()
