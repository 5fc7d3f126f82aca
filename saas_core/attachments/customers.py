"""Attachments on customers: the parent registration and the 360° panel (CUS-04)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas_core.attachments import permissions  # noqa: F401 - the customer section the panel is filed under
from saas_core.attachments.parents import register_parent
from saas_core.customers.models import Customer
from saas_core.customers.panels import detail_url, register_panel

PANEL_ROWS = 10


def _section_allowed(user) -> bool:
    from saas_core.org.access import customer_sections

    allowed = customer_sections(user)
    return allowed is None or "attachments" in allowed


def can_view(user, customer: Customer) -> bool:
    from saas_core.customers import access

    return _section_allowed(user) and access.can_view(user, customer)


def can_edit(user, customer: Customer) -> bool:
    from saas_core.customers import access

    return _section_allowed(user) and access.can_edit(user, customer)


def _visible(queryset, user):
    from saas_core.org.scope import visible

    return visible(queryset, user) if _section_allowed(user) else queryset.none()


def _url(customer: Customer) -> str:
    return detail_url(customer.pk, "attachments")


def _rerender(request, customer: Customer, form):
    """The 360° view again, the upload form showing why it was refused."""
    from saas_core.customers.views import _render_detail

    request.customer_forms = {**getattr(request, "customer_forms", {}), "attachments": form}
    return _render_detail(request, customer, status=400, tab="attachments")


def _panel(request, customer: Customer) -> dict | None:
    from saas_core.attachments import context, services
    from saas_core.org.access import can

    if not can(request.user, "attachments", "view"):
        return None
    rows = list(services.attachments_of(customer)[: PANEL_ROWS + 1])
    url = reverse("attachments:list", args=["customer", customer.pk])
    form = getattr(request, "customer_forms", {}).get("attachments")
    return {
        **context.listing(request.user, customer, url, form),
        "attachments": rows[:PANEL_ROWS], "more": len(rows) > PANEL_ROWS, "all_url": url,
    }


register_parent(Customer, key="customer", can_view=can_view, can_edit=can_edit, url=_url, visible=_visible,
                rerender=_rerender)
register_panel("attachments", _("Attachments"), "attachments/panel.html", _panel, order=30, section="attachments",
               tab="attachments", lazy=True, permission=("attachments", "view"))
