"""Receivables pages (PAY-01): thin views over payments.services and queries.

A plan, payment or invoice outside the user's data scope (or another company's) is a 404, as is a
contract or order the user may not see; an action the role may not take is a 403 naming it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas_core.attachments import context as attachment_context
from saas_core.contracts.models import Contract
from saas_core.orders.models import Order
from saas_core.org.access import can, permission_required, require
from saas_core.org.scope import can_see
from saas_core.payments import queries, services
from saas_core.payments.forms import InvoiceForm, PlanForm, RecordForm
from saas_core.payments.models import Invoice, PaymentPlan, PaymentRecord
from saas_core.records import lists
from saas_core.records.batch import batch_view
from saas_core.tenancy import company_today
from web.forms import add_service_errors
from web.navigation import next_url

MODULE = "payments"
RELATED = ("customer", "owner", "contract", "order")


def _visible_or_404(request: HttpRequest, model, pk, related: tuple[str, ...] = RELATED) -> object:
    obj = model.objects.select_related(*related).filter(pk=pk).first() if str(pk).isdigit() else None
    if obj is None or not can_see(request.user, obj):
        raise Http404
    return obj


def _parent(request: HttpRequest):
    """The contract or order of ``?contract=`` / ``?order=`` (or the posted field): 404 unless visible."""
    data = request.POST if request.method == "POST" else request.GET
    for key, model in (("contract", Contract), ("order", Order)):
        raw = data.get(key) or request.GET.get(key)
        if raw:
            return _visible_or_404(request, model, raw, ("customer", "owner"))
    raise Http404


def _parent_url(parent) -> str:
    return parent.get_absolute_url() if isinstance(parent, Contract) else reverse("orders:detail", args=[parent.pk])


def _parent_key(parent) -> str:
    return "contract" if isinstance(parent, Contract) else "order"


# --- lists ----------------------------------------------------------------------------------------------


def _list(request: HttpRequest, q, template: str, export_key: str, related=RELATED) -> HttpResponse:
    return lists.record_list(request, module=MODULE, queries=q, listing=q.listing, template=template,
                             export_key=export_key, related=related)


@permission_required(MODULE, "view")
def plan_list(request: HttpRequest) -> HttpResponse:
    return _list(request, queries.PlanQueries, "payments/plan_list.html", "payment_plans", (*RELATED, "method"))


@permission_required(MODULE, "view")
def record_list(request: HttpRequest) -> HttpResponse:
    return _list(request, queries.RecordQueries, "payments/record_list.html", "payment_records", (*RELATED, "method"))


@permission_required(MODULE, "view")
def invoice_list(request: HttpRequest) -> HttpResponse:
    return _list(request, queries.InvoiceQueries, "payments/invoice_list.html", "invoices")


BATCHES = {"plans": (PaymentPlan, "payments:plan_list"), "records": (PaymentRecord, "payments:record_list"),
           "invoices": (Invoice, "payments:invoice_list")}


@permission_required(MODULE, "view")
@require_POST
def batch(request: HttpRequest, kind: str) -> HttpResponse:
    """The ticked plans, payments or invoices: transfer them, or move them to the recycle bin (through
    services.trash: a payment's installments must stop counting it)."""
    if kind not in BATCHES:
        raise Http404
    model, list_url = BATCHES[kind]
    return batch_view(request, module=MODULE, queryset=services.scoped(model, request.user),
                      words=services.batch_words(model), back=next_url(request, reverse(list_url)),
                      trash=services.trash)


# --- forms ----------------------------------------------------------------------------------------------


def _form_page(request: HttpRequest, form, parent, *, title: str, save, done, extra: dict | None = None):
    """Show, check and save one form through ``save(cleaned fields)``; ``done(obj)`` is the redirect."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return done(obj)
    status = 400 if request.method == "POST" else 200
    return render(request, "payments/form.html", {
        "form": form, "parent": parent, "parent_url": _parent_url(parent), "parent_key": _parent_key(parent),
        "title": title, "cancel": next_url(request, _parent_url(parent)), **(extra or {})}, status=status)


@permission_required(MODULE, "create")
def plan_create(request: HttpRequest) -> HttpResponse:
    parent = _parent(request)
    form = PlanForm(request.POST or None, user=request.user)

    def done(plan):
        messages.success(request, _("%(plan)s has been added.") % {"plan": plan.label})
        return redirect(next_url(request, _parent_url(parent) + "#payments"))

    return _form_page(request, form, parent, title=_("New payment plan for %(number)s") % {"number": parent.number},
                      save=lambda fields: services.add_plan(parent, by=request.user, **fields), done=done)


@permission_required(MODULE, "edit")
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_or_404(request, PaymentPlan, pk)
    initial = {"installment": plan.installment, "due_on": plan.due_on, "amount": plan.amount,
               "method": plan.method_id, "remind_days": plan.remind_days, "note": plan.note}
    form = PlanForm(request.POST or None, initial=initial, user=request.user)

    def done(saved):
        messages.success(request, _("%(plan)s has been saved.") % {"plan": saved.label})
        return redirect("payments:plan_detail", pk=saved.pk)

    return _form_page(request, form, plan.parent, title=_("Edit %(plan)s") % {"plan": plan.label},
                      save=lambda fields: services.update_plan(plan, by=request.user, **fields), done=done)


@permission_required(MODULE, "create")
def record_create(request: HttpRequest) -> HttpResponse:
    plan = None
    if request.GET.get("plan"):
        plan = _visible_or_404(request, PaymentPlan, request.GET["plan"])
        parent = plan.parent
    else:
        parent = _parent(request)
    initial = services.record_initial(plan) if plan is not None else {"received_on": company_today()}
    form = RecordForm(request.POST or None, initial=initial, parent=parent, user=request.user)

    def done(record):
        messages.success(request, _("Payment %(number)s has been recorded.") % {"number": record.number})
        return redirect(next_url(request, reverse("payments:record_detail", args=[record.pk])))

    return _form_page(request, form, parent, title=_("Record a payment on %(number)s") % {"number": parent.number},
                      save=lambda fields: services.record_payment(parent, by=request.user, **fields), done=done)


@permission_required(MODULE, "create")
def invoice_create(request: HttpRequest) -> HttpResponse:
    record = None
    if request.GET.get("record"):
        record = _visible_or_404(request, PaymentRecord, request.GET["record"])
        parent = record.parent
    else:
        parent = _parent(request)
    form = InvoiceForm(request.POST or None, initial=services.invoice_initial(parent, record), parent=parent,
                       user=request.user)

    def done(invoice):
        messages.success(request, _("%(invoice)s has been recorded.") % {"invoice": invoice.label})
        return redirect(next_url(request, reverse("payments:invoice_detail", args=[invoice.pk])))

    return _form_page(request, form, parent, title=_("Issue an invoice on %(number)s") % {"number": parent.number},
                      save=lambda fields: services.issue_invoice(parent, by=request.user, **fields), done=done)


# --- details and actions ---------------------------------------------------------------------------------


def _detail(request: HttpRequest, template: str, obj, **extra) -> HttpResponse:
    user = request.user
    return render(request, template, {
        "obj": obj, "parent_url": _parent_url(obj.parent), "can_edit": can(user, MODULE, "edit"),
        "can_create": can(user, MODULE, "create"), "can_delete": can(user, MODULE, "delete"), **extra})


@permission_required(MODULE, "view")
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_or_404(request, PaymentPlan, pk)
    plan.status = services.with_status(PaymentPlan.objects.filter(pk=plan.pk)).values_list("status", flat=True)[0]
    allocations = plan.allocations.select_related("record").filter(record__deleted_at__isnull=True)
    return _detail(request, "payments/plan_detail.html", plan, allocations=list(allocations))


@permission_required(MODULE, "view")
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _visible_or_404(request, PaymentRecord, pk)
    allocations = record.allocations.select_related("plan")
    unplanned = record.amount - sum((a.amount for a in allocations), services.ZERO)
    return _detail(request, "payments/record_detail.html", record, allocations=list(allocations),
                   unplanned=unplanned, invoices=list(services.invoices_for(request.user).filter(record=record)),
                   files=attachment_context.panel(request.user, record, "payment_record"))


@permission_required(MODULE, "view")
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _visible_or_404(request, Invoice, pk)
    return _detail(request, "payments/invoice_detail.html", invoice,
                   files=attachment_context.panel(request.user, invoice, "invoice"))


def _act(request: HttpRequest, action, success: str, back: str) -> HttpResponse:
    try:
        result = action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, success)
    return result if isinstance(result, HttpResponse) else redirect(back)


@permission_required(MODULE, "edit")
@require_POST
def plan_void(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_or_404(request, PaymentPlan, pk)
    return _act(request, lambda: services.void_plan(plan, by=request.user),
                _("%(plan)s is void.") % {"plan": plan.label}, reverse("payments:plan_detail", args=[plan.pk]))


@permission_required(MODULE, "create")
@require_POST
def plan_from_record(request: HttpRequest, pk: int) -> HttpResponse:
    record = _visible_or_404(request, PaymentRecord, pk)
    back = reverse("payments:record_detail", args=[record.pk])
    return _act(request, lambda: redirect("payments:plan_detail", pk=services.plan_from_record(
        record, by=request.user).pk), _("A payment plan now covers this payment."), back)


def _delete(request: HttpRequest, obj, list_url: str) -> HttpResponse:
    require(request.user, MODULE, "delete")
    if request.method == "POST":
        return _act(request, lambda: services.trash(obj, by=request.user),
                    _("%(record)s moved to the recycle bin.") % {"record": obj.number}, reverse(list_url))
    return render(request, "payments/confirm_delete.html", {"obj": obj, "cancel": obj.get_absolute_url()})


@permission_required(MODULE, "view")
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, _visible_or_404(request, PaymentPlan, pk), "payments:plan_list")


@permission_required(MODULE, "view")
def record_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, _visible_or_404(request, PaymentRecord, pk), "payments:record_list")


@permission_required(MODULE, "view")
def invoice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, _visible_or_404(request, Invoice, pk), "payments:invoice_list")
