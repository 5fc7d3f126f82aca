"""The filters and sorts of the plan, payment and invoice lists, shared by the lists, the exports
and the API (the shared document filters: search, owner, only mine, customer, a date window)."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import User
from saas_core.lines.queries import DATE, DocumentFilterForm, ordered
from saas_core.payments import services
from saas_core.payments.models import Invoice, PaymentPlan, PaymentRecord

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


class _Window(DocumentFilterForm):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE)


class PlanFilterForm(_Window):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", ANY), *PaymentPlan.Status.choices])
    window = ("date_from", "date_to", "due_on")
    field_order = ["q", "status", "owner", "customer", "date_from", "date_to", "mine"]


class RecordFilterForm(_Window):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", ANY), *PaymentRecord.Status.choices])
    window = ("date_from", "date_to", "received_on")
    field_order = ["q", "status", "owner", "customer", "date_from", "date_to", "mine"]


class InvoiceFilterForm(_Window):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", ANY), *Invoice.Status.choices])
    kind = forms.ChoiceField(label=_("Invoice type"), required=False, choices=[("", ANY), *Invoice.Kind.choices])
    window = ("date_from", "date_to", "issued_on")
    field_order = ["q", "status", "kind", "owner", "customer", "date_from", "date_to", "mine"]


class PlanQueries:
    SORTS = _sorts("due_on", {"installment": ("installment", "id")})
    DEFAULT_SORT = "due_on"
    form = PlanFilterForm

    @classmethod
    def read_filters(cls, data, user: User):
        return cls.form.read(data, user)

    @staticmethod
    def listing(user: User, filters: dict, sort: str | None = None) -> QuerySet[PaymentPlan]:
        plans = services.with_status(services.plans_for(user))
        plans = _search(plans, filters.get("q"), "note")
        if filters.get("status"):
            plans = plans.filter(status=filters["status"])
        plans = PlanFilterForm.apply_common(plans, filters, user)
        return ordered(plans, PlanQueries.SORTS, sort, PlanQueries.DEFAULT_SORT)


class RecordQueries:
    SORTS = _sorts("received_on", {"number": ("number", "id"), "-number": ("-number", "-id")})
    DEFAULT_SORT = "-received_on"
    form = RecordFilterForm

    @classmethod
    def read_filters(cls, data, user: User):
        return cls.form.read(data, user)

    @staticmethod
    def listing(user: User, filters: dict, sort: str | None = None) -> QuerySet[PaymentRecord]:
        records = _search(services.records_for(user), filters.get("q"), "number", "payer", "account")
        if filters.get("status"):
            records = records.filter(status=filters["status"])
        records = RecordFilterForm.apply_common(records, filters, user)
        return ordered(records, RecordQueries.SORTS, sort, RecordQueries.DEFAULT_SORT)


class InvoiceQueries:
    SORTS = _sorts("issued_on", {"invoice_number": ("invoice_number", "id")})
    DEFAULT_SORT = "-issued_on"
    form = InvoiceFilterForm

    @classmethod
    def read_filters(cls, data, user: User):
        return cls.form.read(data, user)

    @staticmethod
    def listing(user: User, filters: dict, sort: str | None = None) -> QuerySet[Invoice]:
        invoices = _search(services.invoices_for(user), filters.get("q"), "invoice_number", "title", "tax_id")
        for name in ("status", "kind"):
            if filters.get(name):
                invoices = invoices.filter(**{name: filters[name]})
        invoices = InvoiceFilterForm.apply_common(invoices, filters, user)
        return ordered(invoices, InvoiceQueries.SORTS, sort, InvoiceQueries.DEFAULT_SORT)
