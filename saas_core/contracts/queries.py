"""The contract list's filters and sorting, shared by the list, the export and the API."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import User
from saas_core.contracts.models import Contract
from saas_core.contracts.services import contracts_for
from saas_core.dictionaries.models import DictionaryItem
from web.navigation import valid_filters

SORTS = {
    "-created": ("-created_at", "-id"), "created": ("created_at", "id"),
    "number": ("number", "id"), "-number": ("-number", "-id"),
    "start_on": ("start_on", "id"), "-start_on": ("-start_on", "-id"),
    "end_on": ("end_on", "id"), "-end_on": ("-end_on", "-id"),
    "total": ("total", "id"), "-total": ("-total", "-id"),
}
DEFAULT_SORT = "-created"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", pgettext_lazy("status filter", "Any")), *Contract.Status.choices])
    category = forms.ModelChoiceField(label=_("Category"), queryset=DictionaryItem.objects.none(), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    ends_from = forms.DateField(label=_("Ends from"), required=False, widget=DATE)
    ends_to = forms.DateField(label=_("Ends until"), required=False, widget=DATE)
    mine = forms.BooleanField(label=_("Only mine"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("name", "username")
        self.fields["owner"].empty_label = pgettext_lazy("owner filter", "Anyone")
        self.fields["category"].queryset = DictionaryItem.objects.filter(type__key="contract_category")
        self.fields["category"].empty_label = pgettext_lazy("status filter", "Any")

    def clean(self):
        data = super().clean()
        if data.get("ends_from") and data.get("ends_to") and data["ends_from"] > data["ends_to"]:
            self.add_error("ends_to", _("The end of the window must not be before its start."))
        return data


def read_filters(data, user: User) -> tuple[ContractFilterForm, dict]:
    form = ContractFilterForm(data or None, user=user)
    return form, valid_filters(form)


def apply_filters(queryset: QuerySet[Contract], filters: dict, user: User) -> QuerySet[Contract]:
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(customer__name__icontains=q))
    for name in ("status", "category", "owner"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("mine"):
        queryset = queryset.filter(owner=user)
    if filters.get("customer"):
        queryset = queryset.filter(customer_id=filters["customer"])
    if isinstance(filters.get("ends_from"), date):
        queryset = queryset.filter(end_on__gte=filters["ends_from"])
    if isinstance(filters.get("ends_to"), date):
        queryset = queryset.filter(end_on__lte=filters["ends_to"])
    return queryset


def contract_list(user: User, filters: dict, sort: str | None = None) -> QuerySet[Contract]:
    return apply_filters(contracts_for(user), filters, user).order_by(*SORTS.get(sort or "", SORTS[DEFAULT_SORT]))
