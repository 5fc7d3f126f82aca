"""Customers and contacts in the top bar's global search (web.search), within the user's data scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas_core.customers import queries
from saas_core.org.access import can
from web.search import SearchHit, SearchSource, register


def _customers(request, query: str, limit: int) -> list[SearchHit]:
    # newest_first_slice: the list's own fast path for a search sorted newest first
    rows = queries.newest_first_slice(
        queries.customer_list(request.user, {"q": query}), 0, limit, values=("id", "name", "number", "owner__name"),
    )
    primary = _primary_mobiles([row["id"] for row in rows])
    return [
        SearchHit(row["name"], reverse("customers:detail", args=[row["id"]]),
                  " · ".join(part for part in (row["number"], row["owner__name"]) if part),
                  tuple(p for p in (primary.get(row["id"]),) if p))
        for row in rows
    ]


def _primary_mobiles(customer_ids: list[int]) -> dict[int, str]:
    from saas_core.customers.models import Contact

    found: dict[int, str] = {}
    rows = Contact.objects.filter(customer_id__in=customer_ids).exclude(mobile="").order_by(
        "customer_id", "-is_primary", "id").values_list("customer_id", "mobile")
    for customer_id, mobile in rows:
        found.setdefault(customer_id, mobile)
    return found


def _contacts(request, query: str, limit: int) -> list[SearchHit]:
    contacts = queries.contact_list(request.user, {"q": query}, "-created")[:limit]
    return [
        SearchHit(c.name, reverse("customers:detail", args=[c.customer_id]),
                  " · ".join(part for part in (c.customer.name, c.title) if part),
                  tuple(p for p in (c.mobile, c.phone) if p))
        for c in contacts
    ]


def _more(name: str):
    return lambda query: reverse(name) + "?" + urlencode({"q": query})


register(SearchSource("customers", _("Customers"), _customers, _more("customers:list"), order=10,
                      visible=lambda request: can(request.user, "customers", "view")))
register(SearchSource("contacts", _("Contacts"), _contacts, _more("customers:contacts"), order=20,
                      visible=lambda request: can(request.user, "contacts", "view")))
