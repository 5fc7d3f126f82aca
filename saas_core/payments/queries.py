"""The filters and sorts of the plan, payment and invoice lists, shared by the lists, the exports
and the API (the shared document filters: search, owner, only mine, customer, a date window)."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import User
from saas_core.payments import services
from saas_core.payments.models import Invoice, PaymentPlan, PaymentRecord
from web.forms import DATE, RecordFilterForm
from web.pagination import ordered

ANY = pgettext_lazy("status filter", "Any")


def _sorts(day: str, extra: dict | None = None) -> dict:
    return {"-created": ("-created_at", "-id"), "created": ("created_at", "id"), day: (day, "id"),
            f"-{day}": (f"-{day}", "-id"), "amount": ("amount", "id"), "-amount": ("-amount", "-id"), **(extra or {})}


def _search(queryset: QuerySet, q: str, *fields: str) -> QuerySet:
    q = (q or "").strip()
    if not q:
        return queryset
    match = Q(customer__name__icontains=q) | Q(contract__number__icontains=q) | Q(order__number__icontains=q)
    for field in fields:
        match |= Q(**{f"{field}__icontains": q})
    return queryset.filter(match)


class _Window(RecordFilterForm):
    window = ("date_from", "date_to")
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE)


class PlanFilterForm(_Window):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", ANY), *PaymentPlan.Status.choices])
    window_field = "due_on"
    field_order = ["q", "status", "owner", "customer", "date_from", "date_to", "mine"]


class PaymentFilterForm(_Window):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", ANY), *PaymentRecord.Status.choices])
    window_field = "received_on"
    field_order = ["q", "status", "owner", "customer", "date_from", "date_to", "mine"]


class InvoiceFilterForm(_Window):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", ANY), *Invoice.Status.choices])
    kind = forms.ChoiceField(label=_("Invoice type"), required=False, choices=[("", ANY), *Invoice.Kind.choices])
    window_field = "issued_on"
    field_order = ["q", "status", "kind", "owner", "customer", "date_from", "date_to", "mine"]


class _Queries:
    """One list's filters and sorts: ``listing(user, filters, sort)`` is the scoped, filtered, sorted rows."""

    SORTS: dict = {}
    DEFAULT_SORT = ""
    form: type[RecordFilterForm] = RecordFilterForm
    search: tuple[str, ...] = ()
    choices: tuple[str, ...] = ("status",)

    @classmethod
    def read_filters(cls, data, user: User):
        return cls.form.read(data, user)

    @classmethod
    def rows(cls, user: User) -> QuerySet:
        raise NotImplementedError

    @classmethod
    def listing(cls, user: User, filters: dict, sort: str | None = None) -> QuerySet:
        rows = _search(cls.rows(user), filters.get("q"), *cls.search)
        for name in cls.choices:
            if filters.get(name):
                rows = rows.filter(**{name: filters[name]})
        return ordered(cls.form.narrow(rows, filters, user), cls.SORTS, sort, cls.DEFAULT_SORT)


class PlanQueries(_Queries):
    SORTS = _sorts("due_on", {"installment": ("installment", "id")})
    DEFAULT_SORT = "due_on"
    form = PlanFilterForm
    search = ("note",)

    @classmethod
    def rows(cls, user: User) -> QuerySet[PaymentPlan]:
        return services.with_status(services.plans_for(user))


class RecordQueries(_Queries):
    SORTS = _sorts("received_on", {"number": ("number", "id"), "-number": ("-number", "-id")})
    DEFAULT_SORT = "-received_on"
    form = PaymentFilterForm
    search = ("number", "payer", "account")

    @classmethod
    def rows(cls, user: User) -> QuerySet[PaymentRecord]:
        return services.records_for(user)


class InvoiceQueries(_Queries):
    SORTS = _sorts("issued_on", {"invoice_number": ("invoice_number", "id")})
    DEFAULT_SORT = "-issued_on"
    form = InvoiceFilterForm
    search = ("invoice_number", "title", "tax_id")
    choices = ("status", "kind")

    @classmethod
    def rows(cls, user: User) -> QuerySet[Invoice]:
        return services.invoices_for(user)
