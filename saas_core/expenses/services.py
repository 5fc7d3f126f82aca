"""Expense claims (EXP-01): the operations pages, the API, imports and the demo all call.

A claim is the claimant's (``owner``) business record: data scope, recycle bin, data log and
transfer come from the declaration. It changes only as a draft or after a reject; the approval
engine moves it to "awaiting approval" (amount locked) and to approved or rejected. Where no flow
applies, the claimant's ``approve_without_flow`` is the manager's click. Totals are SQL aggregates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas_core import money
from saas_core.accounts.models import User
from saas_core.approvals import services as approvals
from saas_core.customers import access as customer_access
from saas_core.expenses.models import Expense
from saas_core.lines import documents
from saas_core.lines import services as lines
from saas_core.org.access import require
from saas_core.org.scope import can_see, visible, visible_user_ids
from saas_core.records import batch
from saas_core.records.batch import BatchWords
from saas_core.tenancy import company_today

MODULE = "expenses"
FIELDS = ("type", "amount", "spent_on", "customer", "opportunity", "contract", "description", "owner")
S = Expense.Status
MAX_DESCRIPTION = 2000


def expenses_for(user: User) -> QuerySet[Expense]:
    """The claims ``user``'s data scope shows."""
    return visible(Expense.objects.all(), user)


def _check(expense: Expense, by: User) -> None:
    errors: dict[str, list] = {}
    if not expense.type_id:
        errors["type"] = [_("Choose the expense type.")]
    amount = lines.read_number(expense.amount, "amount", errors, places=money.places().price)
    if amount is not None:
        if amount <= 0:
            errors.setdefault("amount", []).append(_("The amount must be more than zero."))
        elif amount >= lines.money_limit():
            errors.setdefault("amount", []).append(_("The amount is too large."))
        expense.amount = amount
    if not expense.spent_on:
        errors["spent_on"] = [_("This field is required.")]
    elif expense.spent_on > company_today():
        errors["spent_on"] = [_("An expense cannot be dated in the future.")]
    customer = expense.customer if expense.customer_id else None
    if customer is not None and not customer_access.can_view(by, customer):
        errors["customer"] = [_("You may not see this customer.")]
    for name in ("opportunity", "contract"):
        linked = getattr(expense, name) if getattr(expense, f"{name}_id") else None
        if linked is None:
            continue
        if not can_see(by, linked):
            errors[name] = [_("You may not see this record.")]
        elif customer is None:
            expense.customer = customer = linked.customer
        elif linked.customer_id != customer.pk:
            errors[name] = [_("This belongs to another customer.")]
    if len(expense.description or "") > MAX_DESCRIPTION:
        errors["description"] = [_("At most %(n)d characters.") % {"n": MAX_DESCRIPTION}]
    if expense.owner_id and expense.owner_id != by.pk:
        ids = visible_user_ids(by)
        if ids is not None and expense.owner_id not in ids:
            errors["owner"] = [_("You may only file expenses for people within your data scope.")]
    if errors:
        raise ValidationError(errors)


def _assign(expense: Expense, fields: Mapping) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown expense fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(expense, name, "" if value is None and name == "description" else value)


@transaction.atomic
def create_expense(*, by: User, check_permission: bool = True, **fields) -> Expense:
    """A draft claim of ``by`` (or of ``owner``), dated today unless given."""
    if check_permission:
        require(by, MODULE, "create")
    expense = Expense(created_by=by, status=S.DRAFT)
    fields.setdefault("owner", by)
    if not fields.get("spent_on"):
        fields["spent_on"] = company_today()
    _assign(expense, fields)
    _check(expense, by)
    expense.save()
    return expense


def _locked(expense: Expense) -> Expense:
    return documents.locked(Expense, expense.pk, gone=_("This expense no longer exists (it may have been deleted)."))


@transaction.atomic
def update_expense(expense: Expense, *, by: User, **fields) -> Expense:
    """Change a draft or rejected claim (a rejected one is a draft again, to resubmit)."""
    require(by, MODULE, "edit")
    locked = _locked(expense)
    if not locked.is_editable:
        raise ValidationError(_("Only a draft or rejected expense can be changed; this one is “%(status)s”.")
                              % {"status": locked.get_status_display()})
    approvals.guard_edit(locked)
    _assign(locked, fields)
    _check(locked, by)
    locked.status = S.DRAFT
    locked.save()
    documents.copy_into(expense, locked)
    return locked


@transaction.atomic
def approve_without_flow(expense: Expense, *, by: User) -> Expense:
    """Where no approval flow applies, someone who may edit expenses (not the claimant) approves it."""
    require(by, MODULE, "edit")
    locked = _locked(expense)
    if locked.status == S.APPROVED:
        return locked
    if approvals.approval_state(locked) != approvals.NONE:
        raise ValidationError(_("This expense goes through its approval flow: submit it for approval."))
    if locked.owner_id == by.pk and not by.is_boss:
        raise PermissionDenied(_("You cannot approve your own expense."))
    if not can_see(by, locked):
        raise PermissionDenied(_("You may not see this expense."))
    locked.status = S.APPROVED
    locked.save(update_fields=["status", "updated_at"])
    documents.copy_into(expense, locked)
    return locked


def set_status_by_approval(expense: Expense, status: str) -> None:
    """The approval engine's callbacks: pending, approved, rejected, or back to draft."""
    Expense.objects.filter(pk=expense.pk).update(status=status)


def batch_words() -> BatchWords:
    """What the batch actions and the transfer say about expenses, in the current language."""
    return BatchWords(
        none_ticked=_("Tick at least one expense first."),
        no_action=_("Choose what to do with the ticked expenses."),
        none_chosen=_("Choose at least one expense."),
        outside_scope=_("You may only transfer expenses within your data scope."),
        transferred=lambda n: ngettext("%(count)d expense transferred.", "%(count)d expenses transferred.", n)
        % {"count": n},
        binned=lambda n: ngettext("%(count)d expense moved to the recycle bin.",
                                  "%(count)d expenses moved to the recycle bin.", n) % {"count": n},
    )


def transfer(expenses: Iterable[Expense], to_user: User, *, by: User) -> int:
    """Give expense claims (all within ``by``'s scope) to ``to_user``; all or nothing."""
    return batch.transfer(expenses, to_user, by=by, module=MODULE, words=batch_words())


def customer_totals(user: User, customer) -> dict:
    """The customer 360° figures: Σ and count of the claims ``user`` sees, approved and all (one query)."""
    from django.db.models import Q

    sums = expenses_for(user).filter(customer=customer).aggregate(
        total=Sum("amount"), count=Count("id"), approved=Sum("amount", filter=Q(status=S.APPROVED)))
    return {"total": sums["total"] or Decimal(0), "count": sums["count"], "approved": sums["approved"] or Decimal(0)}
