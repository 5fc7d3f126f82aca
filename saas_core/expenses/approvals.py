"""Expense claims as an approval document type (APR-01): the flow picks by amount, customer
category, the claimant's department and role; pending, the claim is locked; the outcome is the
claim's status."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas_core.approvals.registry import ConditionField, DocumentType, register
from saas_core.expenses.models import Expense
from saas_core.expenses.services import set_status_by_approval
from saas_core.lines.approvals import customer_categories

S = Expense.Status


def condition_values(expense: Expense) -> dict:
    category = expense.customer.category if expense.customer_id and expense.customer.category_id else None
    return {"amount": expense.amount, "customer_category": category.key if category else None,
            "department": expense.owner.department_id, "owner_role": expense.owner.role}


EXPENSE = register(DocumentType(
    key="expenses.expense", label=_("Expense"), model=Expense, module="expenses",
    fields=(ConditionField.amount(_("Expense amount")), ConditionField.customer_category(customer_categories),
            ConditionField.department(), ConditionField.owner_role()),
    values=condition_values, initiator=lambda expense: expense.owner,
    url=lambda expense: reverse("expenses:detail", args=[expense.pk]),
    label_of=lambda expense: f"{expense.owner} {expense.label}", locked_fields=("amount", "type"),
    on_locked=lambda expense: set_status_by_approval(expense, S.PENDING_APPROVAL),
    on_unlocked=lambda expense: set_status_by_approval(expense, S.DRAFT),
    on_approved=lambda expense, by: set_status_by_approval(expense, S.APPROVED),
    on_rejected=lambda expense, by: set_status_by_approval(expense, S.REJECTED),
    order=60,
))
