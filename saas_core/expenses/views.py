"""Expense pages (EXP-01): thin views over expenses.services and queries.

A claim outside the user's data scope (or another company's) is a 404, unless the user must
approve it now; an action the role may not take is a 403 naming it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas_core.approvals import services as approvals
from saas_core.attachments import context as attachment_context
from saas_core.expenses import queries, services
from saas_core.expenses.forms import ExpenseForm
from saas_core.expenses.models import Expense
from saas_core.lines.views import customer_param
from saas_core.org.access import can, permission_required, require
from saas_core.org.scope import can_see
from saas_core.records import bin as recycle_bin
from saas_core.records.batch import batch_view
from saas_core.records.lists import record_list
from web.forms import add_service_errors
from web.navigation import next_url

MODULE = "expenses"


def _expense_or_404(request: HttpRequest, pk: int) -> Expense:
    expense = Expense.objects.select_related("customer", "opportunity", "contract", "owner", "type").filter(pk=pk).first()
    if expense is None:
        raise Http404
    if not can_see(request.user, expense) and pk not in approvals.approver_object_ids(Expense, request.user):
        raise Http404
    return expense


@permission_required(MODULE, "view")
def expense_list(request: HttpRequest) -> HttpResponse:
    return record_list(request, module=MODULE, queries=queries, listing=queries.expense_list,
                       template="expenses/list.html", related=("customer", "owner", "type"))


@permission_required(MODULE, "view")
@require_POST
def expense_batch(request: HttpRequest) -> HttpResponse:
    return batch_view(request, module=MODULE, queryset=services.expenses_for(request.user), words=services.batch_words(),
                      back=next_url(request, reverse("expenses:list")))


@permission_required(MODULE, "view")
def expense_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expense = _expense_or_404(request, pk)
    user = request.user
    can_edit = can(user, MODULE, "edit") and can_see(user, expense)
    return render(request, "expenses/detail.html", {
        "expense": expense, "can_edit": can_edit and expense.is_editable,
        "can_delete": can(user, MODULE, "delete") and can_see(user, expense),
        "can_approve": can_edit and expense.status == Expense.Status.DRAFT and expense.owner_id != user.pk
        and approvals.approval_state(expense) == approvals.NONE,
        "files": attachment_context.panel(user, expense, "expense") if can_see(user, expense) else None,
    })


def _form_page(request: HttpRequest, expense: Expense | None) -> HttpResponse:
    customer = customer_param(request) if expense is None else None
    form = ExpenseForm(request.POST or None, instance=expense, user=request.user, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            if expense is None:
                saved = services.create_expense(by=request.user, **form.service_fields())
            else:
                saved = services.update_expense(expense, by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The expense has been saved."))
            return redirect(next_url(request, reverse("expenses:detail", args=[saved.pk])))
    fallback = reverse("expenses:detail", args=[expense.pk]) if expense else reverse("expenses:list")
    return render(request, "expenses/form.html", {
        "form": form, "expense": expense, "customer": customer, "next": next_url(request, ""),
        "cancel": next_url(request, fallback), "title": _("New expense") if expense is None else _("Edit expense"),
    })


@permission_required(MODULE, "create")
def expense_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@permission_required(MODULE, "edit")
def expense_edit(request: HttpRequest, pk: int) -> HttpResponse:
    expense = _expense_or_404(request, pk)
    if not can_see(request.user, expense):
        raise Http404
    if not expense.is_editable:
        messages.error(request, _("Only a draft or rejected expense can be changed; this one is “%(status)s”.")
                       % {"status": expense.get_status_display()})
        return redirect("expenses:detail", pk=expense.pk)
    return _form_page(request, expense)


@permission_required(MODULE, "edit")
@require_POST
def expense_approve(request: HttpRequest, pk: int) -> HttpResponse:
    expense = _expense_or_404(request, pk)
    try:
        services.approve_without_flow(expense, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The expense is approved."))
    return redirect("expenses:detail", pk=expense.pk)


@permission_required(MODULE, "view")
def expense_delete(request: HttpRequest, pk: int) -> HttpResponse:
    expense = _expense_or_404(request, pk)
    require(request.user, MODULE, "delete")
    if not can_see(request.user, expense):
        raise Http404
    if request.method == "POST":
        recycle_bin.trash(expense, by=request.user)
        messages.success(request, _("The expense was moved to the recycle bin."))
        return redirect("expenses:list")
    return render(request, "expenses/confirm_delete.html", {"expense": expense})
