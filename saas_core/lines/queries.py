"""What the lists of documents (quotes, contracts, orders) filter and sort the same way: a search
box, the owner, "only mine", the customer (from a 360° link), a date window; each list adds its
own fields and sorts."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import User
from web.navigation import valid_filters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentFilterForm(forms.Form):
    """Subclasses name ``window = (from_field, to_field, model date field)`` and declare those two
    date fields, and set ``field_order``."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    window: tuple[str, str, str] = ("", "", "")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("name", "username")
        self.fields["owner"].empty_label = pgettext_lazy("owner filter", "Anyone")

    def clean(self):
        data = super().clean()
        start, end, _field = self.window
        if data.get(start) and data.get(end) and data[start] > data[end]:
            self.add_error(end, _("The end of the window must not be before its start."))
        return data

    @classmethod
    def read(cls, data, user: User) -> tuple[DocumentFilterForm, dict]:
        """The filter form of a query string and its valid values (an invalid field is left out)."""
        form = cls(data or None, user=user)
        return form, valid_filters(form)

    @classmethod
    def apply_common(cls, queryset: QuerySet, filters: dict, user: User) -> QuerySet:
        """Owner, mine, customer and the date window."""
        if filters.get("owner"):
            queryset = queryset.filter(owner=filters["owner"])
        if filters.get("mine"):
            queryset = queryset.filter(owner=user)
        if filters.get("customer"):
            queryset = queryset.filter(customer_id=filters["customer"])
        start, end, field = cls.window
        if isinstance(filters.get(start), date):
            queryset = queryset.filter(**{f"{field}__gte": filters[start]})
        if isinstance(filters.get(end), date):
            queryset = queryset.filter(**{f"{field}__lte": filters[end]})
        return queryset


def ordered(queryset: QuerySet, sorts: dict, sort: str | None, default: str) -> QuerySet:
    return queryset.order_by(*sorts.get(sort or "", sorts[default]))
