"""The customers app's own 360° panels: basic information, contacts, sub-customers, data log,
hot flag and "shared with" (registered from menus.py on start-up).

Contexts read ``request.customer_forms`` (set by a view that re-renders the page after a
rejected change) so the form comes back with its errors.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saas_core.customers.panels import register_figure, register_panel


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


def _day(value) -> str | None:
    from django.utils.timezone import localtime

    return localtime(value).date().isoformat() if value else None


def _contact_count(request, customer) -> int:
    return customer.contacts.count()


def _last_contact(request, customer) -> str | None:
    return _day(customer.last_contact_at)


def _next_contact(request, customer) -> str | None:
    # A date only: the follow-up form asks for a day, so a time here would be an invented 00:00.
    return _day(customer.next_contact_at)


def _is_boss(request, customer) -> bool:
    from saas_core.org.access import is_boss

    return is_boss(request.user)


register_panel("basic", _("Basic information"), "customers/panels/basic.html", _basic, order=10, section="basic")
register_panel("contacts", _("Contacts"), "customers/panels/contacts.html", _contacts, order=20, section="contacts",
               permission=("contacts", "view"))
register_panel("hot", _("Hot flag"), "customers/panels/hot.html", _hot, order=10, section="basic", column="side")
register_panel("shares", _("Shared with"), "customers/panels/shares.html", _shares, order=15, section="basic",
               column="side")
register_panel("children", _("Sub-customers"), "customers/panels/children.html", _children, order=20,
               section="basic", column="side")
# The data log is the Boss's (LOG-01) and reads the change history: loaded when its tab opens.
register_panel("data_log", _("Data log"), "customers/panels/data_log.html", _data_log, order=90, section="basic",
               tab="log", lazy=True, visible=_is_boss)

register_figure("contacts", _("Contacts"), _contact_count, order=10, tab="contacts", permission=("contacts", "view"))
register_figure("last_contact", _("Last follow-up"), _last_contact, order=20, tab="followups")
register_figure("next_contact", _("Next follow-up"), _next_contact, order=30, tab="followups")
