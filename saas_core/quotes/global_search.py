"""Quotes in the top bar's global search (web.search), within the user's data scope: number,
subject and customer, with pinyin like the customer list."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas_core.org.access import can
from saas_core.quotes import queries
from web.search import SearchHit, SearchSource, register


def _quotes(request, query: str, limit: int) -> list[SearchHit]:
    rows = queries.quote_list(request.user, {"q": query}).select_related("customer")[:limit]
    return [
        SearchHit(" · ".join(part for part in (q.number, q.subject) if part), reverse("quotes:detail", args=[q.pk]),
                  " · ".join((q.customer.name, q.get_status_display())))
        for q in rows
    ]


register(SearchSource("quotes", _("Quotes"), _quotes,
                      lambda query: reverse("quotes:list") + "?" + urlencode({"q": query}), order=40,
                      visible=lambda request: can(request.user, "quotes", "view")))
