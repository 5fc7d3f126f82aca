"""The quote list's filters and sorting, shared by the list, the export and the API."""

from __future__ import annotations

from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import User
from saas_core.quotes.models import Quote
from saas_core.quotes.services import quotes_for
from web.forms import DATE, RecordFilterForm
from web.pagination import ordered

SORTS = {
    "-created": ("-created_at", "-id"), "created": ("created_at", "id"),
    "quoted_on": ("quoted_on", "id"), "-quoted_on": ("-quoted_on", "-id"),
    "valid_until": ("valid_until", "id"), "-valid_until": ("-valid_until", "-id"),
    "total": ("total", "id"), "-total": ("-total", "-id"),
    "number": ("number", "id"), "-number": ("-number", "-id"),
}
DEFAULT_SORT = "-created"


class QuoteFilterForm(RecordFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", pgettext_lazy("status filter", "Any")), *Quote.Status.choices])
    opportunity = forms.IntegerField(required=False, widget=forms.HiddenInput)
    quoted_from = forms.DateField(label=_("Quoted from"), required=False, widget=DATE)
    quoted_to = forms.DateField(label=_("Quoted until"), required=False, widget=DATE)
    window = ("quoted_from", "quoted_to")
    window_field = "quoted_on"
    field_order = ["q", "status", "owner", "customer", "opportunity", "quoted_from", "quoted_to", "mine"]


def read_filters(data, user: User) -> tuple[QuoteFilterForm, dict]:
    """The filter form of a query string and its valid values (an invalid field is left out)."""
    return QuoteFilterForm.read(data, user)


def search_quotes(queryset: QuerySet[Quote], query: str) -> QuerySet[Quote]:
    """The quotes whose number, or subject (Chinese, pinyin, initials), or customer (as the customer
    search finds it: name, pinyin, number, phone) matches ``query``: the list's search and the top
    bar's, so "more" lists what the top bar counted."""
    from saas_core.customers.models import Customer
    from saas_core.customers.search import search, search_customers

    # The customers' search matches its fragments on "name": here that is the subject.
    by_quote = search(Quote._base_manager.alias(name=F("subject")), query, number_field="number").values("pk")
    by_customer = search_customers(Customer._base_manager.all(), query).values("pk")
    return queryset.filter(Q(pk__in=by_quote) | Q(customer_id__in=by_customer))


def apply_filters(queryset: QuerySet[Quote], filters: dict, user: User) -> QuerySet[Quote]:
    if q := (filters.get("q") or "").strip():
        queryset = search_quotes(queryset, q)
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("opportunity"):
        queryset = queryset.filter(opportunity_id=filters["opportunity"])
    return QuoteFilterForm.narrow(queryset, filters, user)


def quote_list(user: User, filters: dict, sort: str | None = None) -> QuerySet[Quote]:
    return ordered(apply_filters(quotes_for(user), filters, user), SORTS, sort, DEFAULT_SORT)
