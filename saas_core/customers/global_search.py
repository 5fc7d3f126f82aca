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
    primary = queries.primary_contacts([row["id"] for row in rows])
    return [
        SearchHit(row["name"], reverse("customers:detail", args=[row["id"]]),
                  " · ".join(part for part in (row["number"], row["owner__name"]) if part),
                  tuple(p for p in (primary.get(row["id"], ("", ""))[1],) if p))
        for row in rows
    ]


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
