"""The expense list's filters and sorting, shared by the list, the export and the API."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import User
from saas_core.dictionaries.models import DictionaryItem
from saas_core.expenses.models import Expense
from saas_core.expenses.services import expenses_for
from web.forms import DATE, RecordFilterForm
from web.pagination import ordered

SORTS = {
    "-spent_on": ("-spent_on", "-id"), "spent_on": ("spent_on", "id"),
    "-created": ("-created_at", "-id"), "created": ("created_at", "id"),
    "amount": ("amount", "id"), "-amount": ("-amount", "-id"),
}
DEFAULT_SORT = "-spent_on"


class ExpenseFilterForm(RecordFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", pgettext_lazy("status filter", "Any")), *Expense.Status.choices])
    type = forms.ModelChoiceField(label=_("Expense type"), queryset=DictionaryItem.objects.none(), required=False)
    spent_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    spent_to = forms.DateField(label=_("Until"), required=False, widget=DATE)
    window = ("spent_from", "spent_to")
    window_field = "spent_on"
    field_order = ["q", "status", "type", "owner", "customer", "spent_from", "spent_to", "mine"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = DictionaryItem.objects.filter(type__key="expense_type")
        self.fields["type"].empty_label = pgettext_lazy("status filter", "Any")


def read_filters(data, user: User) -> tuple[ExpenseFilterForm, dict]:
    return ExpenseFilterForm.read(data, user)


def apply_filters(queryset: QuerySet[Expense], filters: dict, user: User) -> QuerySet[Expense]:
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(Q(description__icontains=q) | Q(customer__name__icontains=q)
                                   | Q(owner__name__icontains=q))
    for name in ("status", "type"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    return ExpenseFilterForm.narrow(queryset, filters, user)


def expense_list(user: User, filters: dict, sort: str | None = None) -> QuerySet[Expense]:
    return ordered(apply_filters(expenses_for(user), filters, user), SORTS, sort, DEFAULT_SORT)
