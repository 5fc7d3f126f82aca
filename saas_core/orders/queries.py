"""The order list's filters and sorting, shared by the list, the export and the API."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import User
from saas_core.orders.models import Order
from saas_core.orders.services import orders_for
from web.forms import DATE, RecordFilterForm
from web.pagination import ordered

SORTS = {
    "-created": ("-created_at", "-id"), "created": ("created_at", "id"),
    "number": ("number", "id"), "-number": ("-number", "-id"),
    "ordered_on": ("ordered_on", "id"), "-ordered_on": ("-ordered_on", "-id"),
    "total": ("total", "id"), "-total": ("-total", "-id"),
}
DEFAULT_SORT = "-created"


class OrderFilterForm(RecordFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", pgettext_lazy("status filter", "Any")), *Order.Status.choices])
    shipping_status = forms.ChoiceField(label=_("Shipping status"), required=False,
                                        choices=[("", pgettext_lazy("status filter", "Any")), *Order.Shipping.choices])
    contract = forms.IntegerField(required=False, widget=forms.HiddenInput)
    ordered_from = forms.DateField(label=_("Ordered from"), required=False, widget=DATE)
    ordered_to = forms.DateField(label=_("Ordered until"), required=False, widget=DATE)
    window = ("ordered_from", "ordered_to")
    window_field = "ordered_on"
    field_order = ["q", "status", "shipping_status", "owner", "customer", "contract", "ordered_from", "ordered_to",
                   "mine"]


def read_filters(data, user: User) -> tuple[OrderFilterForm, dict]:
    return OrderFilterForm.read(data, user)


def apply_filters(queryset: QuerySet[Order], filters: dict, user: User) -> QuerySet[Order]:
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(Q(number__icontains=q) | Q(customer__name__icontains=q))
    for name in ("status", "shipping_status"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("contract"):
        queryset = queryset.filter(contract_id=filters["contract"])
    return OrderFilterForm.narrow(queryset, filters, user)


def order_list(user: User, filters: dict, sort: str | None = None) -> QuerySet[Order]:
    return ordered(apply_filters(orders_for(user), filters, user), SORTS, sort, DEFAULT_SORT)
