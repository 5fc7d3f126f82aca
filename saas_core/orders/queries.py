"""The order list's filters and sorting, shared by the list, the export and the API."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import User
from saas_core.orders.models import Order
from saas_core.orders.services import orders_for
from web.navigation import valid_filters

SORTS = {
    "-created": ("-created_at", "-id"), "created": ("created_at", "id"),
    "number": ("number", "id"), "-number": ("-number", "-id"),
    "ordered_on": ("ordered_on", "id"), "-ordered_on": ("-ordered_on", "-id"),
    "total": ("total", "id"), "-total": ("-total", "-id"),
}
DEFAULT_SORT = "-created"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", pgettext_lazy("status filter", "Any")), *Order.Status.choices])
    shipping_status = forms.ChoiceField(label=_("Shipping status"), required=False,
                                        choices=[("", pgettext_lazy("status filter", "Any")), *Order.Shipping.choices])
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contract = forms.IntegerField(required=False, widget=forms.HiddenInput)
    ordered_from = forms.DateField(label=_("Ordered from"), required=False, widget=DATE)
    ordered_to = forms.DateField(label=_("Ordered until"), required=False, widget=DATE)
    mine = forms.BooleanField(label=_("Only mine"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("name", "username")
        self.fields["owner"].empty_label = pgettext_lazy("owner filter", "Anyone")

    def clean(self):
        data = super().clean()
        if data.get("ordered_from") and data.get("ordered_to") and data["ordered_from"] > data["ordered_to"]:
            self.add_error("ordered_to", _("The end of the window must not be before its start."))
        return data


def read_filters(data, user: User) -> tuple[OrderFilterForm, dict]:
    form = OrderFilterForm(data or None, user=user)
    return form, valid_filters(form)


def apply_filters(queryset: QuerySet[Order], filters: dict, user: User) -> QuerySet[Order]:
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(Q(number__icontains=q) | Q(customer__name__icontains=q))
    for name in ("status", "shipping_status", "owner"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("mine"):
        queryset = queryset.filter(owner=user)
    for name in ("customer", "contract"):
        if filters.get(name):
            queryset = queryset.filter(**{f"{name}_id": filters[name]})
    if isinstance(filters.get("ordered_from"), date):
        queryset = queryset.filter(ordered_on__gte=filters["ordered_from"])
    if isinstance(filters.get("ordered_to"), date):
        queryset = queryset.filter(ordered_on__lte=filters["ordered_to"])
    return queryset


def order_list(user: User, filters: dict, sort: str | None = None) -> QuerySet[Order]:
    return apply_filters(orders_for(user), filters, user).order_by(*SORTS.get(sort or "", SORTS[DEFAULT_SORT]))
