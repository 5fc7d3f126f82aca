"""The contract list's filters and sorting, shared by the list, the export and the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import User
from saas_core.contracts.models import Contract
from saas_core.contracts.services import contracts_for
from saas_core.dictionaries.models import DictionaryItem
from web.forms import DATE, RecordFilterForm
from web.pagination import ordered

SORTS = {
    "-created": ("-created_at", "-id"), "created": ("created_at", "id"),
    "number": ("number", "id"), "-number": ("-number", "-id"),
    "start_on": ("start_on", "id"), "-start_on": ("-start_on", "-id"),
    "end_on": ("end_on", "id"), "-end_on": ("-end_on", "-id"),
    "total": ("total", "id"), "-total": ("-total", "-id"),
}
DEFAULT_SORT = "-created"


@dataclass(frozen=True)
class ListColumn:
    """A column another app adds to the contract list (receivables: received %, plan progress):
    ``annotate(queryset)`` adds its values in SQL, ``template`` draws its cell(s)."""

    key: str
    label: object
    template: str
    annotate: Callable[[QuerySet], QuerySet]
    permission: tuple[str, str] | None = None


_columns: dict[str, ListColumn] = {}


def register_column(column: ListColumn) -> None:
    _columns[column.key] = column


def columns_for(user: User) -> list[ListColumn]:
    from saas_core.org.access import can

    return [c for c in _columns.values() if c.permission is None or can(user, *c.permission)]


class ContractFilterForm(RecordFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", pgettext_lazy("status filter", "Any")), *Contract.Status.choices])
    category = forms.ModelChoiceField(label=_("Category"), queryset=DictionaryItem.objects.none(), required=False)
    ends_from = forms.DateField(label=_("Ends from"), required=False, widget=DATE)
    ends_to = forms.DateField(label=_("Ends until"), required=False, widget=DATE)
    window = ("ends_from", "ends_to")
    window_field = "end_on"
    field_order = ["q", "status", "category", "owner", "customer", "ends_from", "ends_to", "mine"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = DictionaryItem.objects.filter(type__key="contract_category")
        self.fields["category"].empty_label = pgettext_lazy("status filter", "Any")


def read_filters(data, user: User) -> tuple[ContractFilterForm, dict]:
    return ContractFilterForm.read(data, user)


def apply_filters(queryset: QuerySet[Contract], filters: dict, user: User) -> QuerySet[Contract]:
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(customer__name__icontains=q))
    for name in ("status", "category"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    return ContractFilterForm.narrow(queryset, filters, user)


def contract_list(user: User, filters: dict, sort: str | None = None) -> QuerySet[Contract]:
    return ordered(apply_filters(contracts_for(user), filters, user), SORTS, sort, DEFAULT_SORT)


def with_columns(queryset: QuerySet[Contract], user: User) -> QuerySet[Contract]:
    for column in columns_for(user):
        queryset = column.annotate(queryset)
    return queryset
