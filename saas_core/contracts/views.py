"""Contract pages (CTR-01): thin views over contracts.services and queries.

A contract outside the user's data scope (or another company's) is a 404; an action the role may
not take is a 403 naming it. The permission module is "contracts" (contracts and orders).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from saas_core.approvals import services as approvals
from saas_core.attachments import context as attachment_context
from saas_core.contracts import numbering, queries, services
from saas_core.contracts.forms import ContractForm, DeliveryPlanForm, DeliveryRecordForm, NumberingForm
from saas_core.contracts.models import Contract
from saas_core.customers import access as customer_access
from saas_core.customers.models import Customer
from saas_core.lines.views import DocumentPage, DocumentViews, lines_with_cost, sections
from saas_core.org.access import boss_required, can, permission_required
from saas_core.products.access import may_see_cost
from saas_core.tenancy import company_today
from web.forms import add_service_errors

MODULE = "contracts"


def _page() -> DocumentPage:
    return DocumentPage(
        ContractForm, services.create_contract, services.update_contract, "contracts/form.html", "contracts:detail",
        "contracts:list", saved=_("Contract %(number)s has been saved."), new_title=_("New contract"),
        edit_title=_("Edit contract %(number)s"))


def _locked(contract: Contract) -> str | None:
    if not contract.is_editable:
        return _("Only a draft contract can be changed; this one is “%(status)s”.") % {
            "status": contract.get_status_display()}
    return None


CONTRACTS = DocumentViews(
    module=MODULE, model=Contract, queries=queries, list_template="contracts/list.html",
    # columns other apps add (receivables: received %, plan progress), annotated in SQL
    listing=lambda user, filters, sort: queries.with_columns(queries.contract_list(user, filters, sort), user),
    list_extra=lambda request: {"extra_columns": queries.columns_for(request.user)},
    select=("customer", "opportunity", "owner", "strategy", "category", "quote", "customer_signer", "our_signer"),
    related=("customer", "owner", "category"), scoped=services.contracts_for, words=services.batch_words,
     page=_page, prices=services.last_prices, delete_template="contracts/confirm_delete.html",
    deleted=lambda: _("Contract %(number)s moved to the recycle bin."), locked=_locked,
)
_contract_or_404 = CONTRACTS.get_or_404
contract_list = CONTRACTS.list
contract_batch = CONTRACTS.batch
contract_create = CONTRACTS.create
contract_edit = CONTRACTS.edit
contract_delete = CONTRACTS.delete
last_prices = CONTRACTS.last_prices


def _detail_context(request: HttpRequest, contract: Contract, **forms) -> dict:
    user = request.user
    can_edit = can(user, MODULE, "edit")
    see_cost = may_see_cost(user)
    running = contract.status in (Contract.Status.DRAFT, Contract.Status.IN_PROGRESS)
    # Signing by hand only when no approval is needed (or it covers the contract as it is).
    needs_approval = contract.status == Contract.Status.DRAFT and approvals.approval_state(contract) not in (
        approvals.NONE, approvals.APPROVED)
    return {
        "contract": contract, "lines": lines_with_cost(contract, with_cost=see_cost), "see_cost": see_cost,
        "can_edit": can_edit and contract.is_editable, "can_delete": can(user, MODULE, "delete"),
        "next_statuses": [(s, Contract.Status(s).label) for s in services.TRANSITIONS.get(contract.status, ())
                          if not (needs_approval and s == Contract.Status.IN_PROGRESS)] if can_edit else [],
        "can_order": can(user, MODULE, "create") and contract.status == Contract.Status.IN_PROGRESS,
        "plans": services.delivery_plans(contract), "records": list(contract.delivery_records.select_related("plan")),
        "delivered_total": services.delivered_total(contract),
        "can_deliver": can_edit and running,
        "plan_form": forms.get("plan_form") or DeliveryPlanForm(),
        "record_form": forms.get("record_form") or DeliveryRecordForm(contract=contract),
        "orders": list(contract.orders.order_by("-id")[:20]) if can(user, MODULE, "view") else [],
        "files": attachment_context.panel(user, contract, "contract"),
        "sections": sections(request, contract),
    }


@permission_required(MODULE, "view")
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_or_404(request, pk)
    return render(request, "contracts/detail.html", _detail_context(request, contract))


@permission_required(MODULE, "view")
def contract_print(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_or_404(request, pk)
    tenant = getattr(request, "tenant", None)
    return render(request, "contracts/print.html", {
        "contract": contract, "lines": lines_with_cost(contract, with_cost=False),
        "company": getattr(tenant, "name", ""), "has_logo": bool(getattr(tenant, "logo", None)),
    })


@permission_required(MODULE, "edit")
@require_POST
def contract_status(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_or_404(request, pk)
    try:
        services.set_status(contract, request.POST.get("status", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The contract is now “%(status)s”.") % {"status": contract.get_status_display()})
    return redirect("contracts:detail", pk=contract.pk)


@permission_required(MODULE, "edit")
@require_POST
def add_plan(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_or_404(request, pk)
    form = DeliveryPlanForm(request.POST)
    if form.is_valid():
        try:
            services.add_delivery_plan(contract, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The delivery plan has been added."))
            return redirect(reverse("contracts:detail", args=[contract.pk]) + "#deliveries")
    return render(request, "contracts/detail.html", _detail_context(request, contract, plan_form=form), status=400)


@permission_required(MODULE, "edit")
@require_POST
def add_record(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_or_404(request, pk)
    form = DeliveryRecordForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            services.record_delivery(contract, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The delivery has been recorded."))
            return redirect(reverse("contracts:detail", args=[contract.pk]) + "#deliveries")
    return render(request, "contracts/detail.html", _detail_context(request, contract, record_form=form), status=400)


@permission_required(MODULE, "view")
@require_GET
def party_choices(request: HttpRequest) -> JsonResponse:
    """The customer's opportunities, contacts and contracts the user sees (the contract and order
    forms' lists follow the customer)."""
    from saas_core.quotes.services import customer_opportunities

    raw = request.GET.get("customer", "")
    customer = Customer.objects.filter(pk=raw).first() if raw.isdigit() else None
    if customer is None or not customer_access.can_view(request.user, customer):
        return JsonResponse({"results": [], "contacts": [], "contracts": []})
    contracts = services.contracts_for(request.user).filter(customer=customer).order_by("-start_on", "-id")[:100]
    return JsonResponse({
        "results": [{"id": o.pk, "text": o.subject} for o in customer_opportunities(request.user, customer)[:100]],
        "contacts": [{"id": c.pk, "text": c.name} for c in services.signer_choices(customer)[:100]],
        "contracts": [{"id": c.pk, "text": f"{c.number} {c.title}"} for c in contracts],
    })


@boss_required
def numbering_settings(request: HttpRequest) -> HttpResponse:
    """The Boss sets how contract, order and shipment numbers look."""
    patterns = {key: numbering.pattern_of(key) for key in numbering.DEFAULTS}
    form = NumberingForm(request.POST or None, patterns=patterns)
    if request.method == "POST" and form.is_valid():
        for key in numbering.DEFAULTS:
            try:
                numbering.check_pattern(form.cleaned_data[key])
            except ValidationError as exc:
                form.add_error(key, exc.message_dict["pattern"])
        if not form.errors:
            with transaction.atomic():
                for key in numbering.DEFAULTS:
                    numbering.set_pattern(key, form.cleaned_data[key])
            messages.success(request, _("The number patterns have been saved."))
            return redirect("contracts:numbering")
    today = company_today()
    examples = {key: numbering.render(patterns[key], today, 1) for key in patterns}
    return render(request, "contracts/numbering.html", {"form": form, "examples": examples})
