"""Receivables (PAY-01): the operations pages, the API, the approval engine, the demo and tasks call.

Every write locks the contract or order it belongs to (SELECT … FOR UPDATE) before it checks the
totals, so two people planning or invoicing the same contract at once are checked one after the
other: Σ plan amounts ≤ the document's total and Σ invoiced ≤ its total, unless someone with the
"exceed receivable totals" right gives a reason (kept on the row, so the data log shows who
overrode what and why). A plan's ``received`` is a fact kept here only (``refresh_received``);
its status is derived from it, the amount, the due date and the void mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Case, DecimalField, F, Max, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas_core import money
from saas_core.accounts.models import User
from saas_core.contracts import numbering
from saas_core.contracts.models import Contract
from saas_core.lines import services as lines
from saas_core.orders.models import Order
from saas_core.org.access import has_right, require
from saas_core.org.scope import can_see, visible
from saas_core.payments.models import Invoice, PaymentAllocation, PaymentPlan, PaymentRecord
from saas_core.records import batch
from saas_core.records.batch import BatchWords
from saas_core.targets.measures import by_owner_and_month
from saas_core.tenancy import company_today, company_zone

MODULE = "payments"
OVERRIDE_RIGHT = "exceed_receivable_totals"
ZERO = Decimal(0)
MONEY = DecimalField(max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES)
REMIND_HOUR = 9
PLAN_FIELDS = ("due_on", "amount", "method", "remind_days", "note", "installment")
RECORD_FIELDS = ("received_on", "amount", "method", "account", "payer", "note")
INVOICE_FIELDS = ("amount", "kind", "title_type", "title", "tax_id", "bank", "bank_account", "address", "phone",
                  "mail_address", "invoice_number", "issued_on", "tracking_number", "note")
# Contracts and orders that take receivables (a draft may be planned; a void one may not).
OPEN_PARENT = {Contract: ("draft", "pending_approval", "in_progress", "completed"),
               Order: ("draft", "pending_approval", "confirmed", "completed")}

Parent = Contract | Order


def plans_for(user: User) -> QuerySet[PaymentPlan]:
    return visible(PaymentPlan.objects.all(), user)


def records_for(user: User) -> QuerySet[PaymentRecord]:
    return visible(PaymentRecord.objects.all(), user)


def invoices_for(user: User) -> QuerySet[Invoice]:
    return visible(Invoice.objects.all(), user)


def scoped(model: type[PaymentPlan | PaymentRecord | Invoice], user: User) -> QuerySet:
    """The plans, payments or invoices of ``user``'s data scope."""
    return visible(model.objects.all(), user)


# --- what every write checks ------------------------------------------------------------------------


def _parent_of(obj) -> Parent:
    return obj.contract if obj.contract_id else obj.order


def _lock_parent(parent: Parent, by: User) -> Parent:
    """The contract or order locked for this transaction; gone, voided or out of scope: an error."""
    model = type(parent)
    locked = model.objects.select_for_update().filter(pk=parent.pk).first()
    if locked is None:
        raise ValidationError(_("This contract or order no longer exists (it may have been deleted)."))
    if not can_see(by, locked):
        raise PermissionDenied(_("You may not see this contract or order."))
    if locked.status not in OPEN_PARENT[model]:
        raise ValidationError(_("A document that is “%(status)s” takes no payments or invoices.")
                              % {"status": locked.get_status_display()})
    return locked


def _parent_kwargs(parent: Parent) -> dict:
    key = "contract" if isinstance(parent, Contract) else "order"
    return {key: parent, "customer_id": parent.customer_id, "owner_id": parent.owner_id}


def _siblings(model: type[models.Model], parent: Parent) -> QuerySet:
    key = "contract" if isinstance(parent, Contract) else "order"
    return model.objects.filter(**{key: parent})


def _parent_ids(parent: Parent) -> tuple[int | None, int | None]:
    return (parent.pk, None) if isinstance(parent, Contract) else (None, parent.pk)


def _amount(value, errors: dict, field: str = "amount") -> Decimal | None:
    number = lines.read_number(value, field, errors, places=money.places().price)
    if number is None:
        return None
    if number <= 0:
        errors.setdefault(field, []).append(_("The amount must be greater than zero."))
    elif number >= lines.money_limit():
        errors.setdefault(field, []).append(_("The amount is too large."))
    return number


def _check_total(*, by: User, total: Decimal, already: Decimal, amount: Decimal, reason: str, field: str,
                 message: str, errors: dict) -> str:
    """Over the document's total: an error, unless ``by`` has the right and gives a reason (returned)."""
    reason = (reason or "").strip()
    if already + amount <= total:
        return ""
    if reason and has_right(by, OVERRIDE_RIGHT):
        return reason
    text = message % {"total": money.round_price(total), "already": money.round_price(already),
                      "left": money.round_price(max(total - already, ZERO))}
    if has_right(by, OVERRIDE_RIGHT):
        text += " " + _("To go over it anyway, give the reason.")
    errors.setdefault(field, []).append(text)
    return ""


def _required_day(value, field: str, errors: dict) -> date | None:
    if not isinstance(value, date):
        errors.setdefault(field, []).append(_("This field is required."))
        return None
    return value


def _text(value, field: str, limit: int, errors: dict, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(value) > limit:
        errors.setdefault(field, []).append(_("At most %(n)d characters.") % {"n": limit})
    return value


def _unknown(fields: Mapping, allowed: Sequence[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


# --- payment plans ------------------------------------------------------------------------------------


def _check_plan(plan: PaymentPlan, parent: Parent, *, by: User, reason: str, errors: dict) -> None:
    if plan.remind_days is None:
        plan.remind_days = 3
    if not 0 <= plan.remind_days <= 365:
        errors.setdefault("remind_days", []).append(_("Between 0 and 365 days."))
    others = _siblings(PaymentPlan, parent).exclude(pk=plan.pk)
    if plan.installment is not None and plan.installment < 1:
        errors.setdefault("installment", []).append(_("The installment number starts at 1."))
    elif plan.installment and others.filter(installment=plan.installment).exists():
        errors.setdefault("installment", []).append(
            _("Installment %(n)d already exists on this document.") % {"n": plan.installment})
    if plan.due_on and plan.installment:
        before = others.filter(installment__lt=plan.installment, due_on__gt=plan.due_on).order_by("installment").first()
        after = others.filter(installment__gt=plan.installment, due_on__lt=plan.due_on).order_by("installment").first()
        clash = before or after
        if clash is not None:
            errors.setdefault("due_on", []).append(
                _("Installment %(n)d is due on %(day)s: installments must be due in their order.")
                % {"n": clash.installment, "day": clash.due_on.isoformat()})
    if plan.amount is not None and plan.amount > 0 and not plan.voided:
        already = others.filter(voided=False).aggregate(s=Sum("amount"))["s"] or ZERO
        plan.override_reason = _check_total(
            by=by, total=parent.total, already=already, amount=plan.amount, reason=reason, field="amount",
            errors=errors, message=_("The plans would come to more than the total of %(total)s "
                                     "(%(already)s planned already, %(left)s left)."))


def _assign_plan(plan: PaymentPlan, fields: Mapping, errors: dict) -> None:
    _unknown(fields, PLAN_FIELDS)
    if "amount" in fields:
        plan.amount = _amount(fields["amount"], errors)
    if "due_on" in fields:
        plan.due_on = _required_day(fields["due_on"], "due_on", errors)
    if "note" in fields:
        plan.note = _text(fields["note"], "note", 2000, errors)
    for name in ("method", "remind_days", "installment"):
        if name in fields and fields[name] is not None:
            setattr(plan, name, fields[name])


@transaction.atomic
def add_plan(parent: Parent, *, by: User, override_reason: str = "", **fields) -> PaymentPlan:
    """The next installment (期数) of a contract's or order's payment plan."""
    require(by, MODULE, "create")
    locked = _lock_parent(parent, by)
    errors: dict[str, list] = {}
    plan = PaymentPlan(created_by=by, **_parent_kwargs(locked))
    plan.installment = None
    _assign_plan(plan, fields, errors)
    if not plan.installment:
        last = _siblings(PaymentPlan, locked).aggregate(n=Max("installment"))["n"]
        plan.installment = (last or 0) + 1
    _check_plan(plan, locked, by=by, reason=override_reason, errors=errors)
    if errors:
        raise ValidationError(errors)
    plan.save()
    return plan


@transaction.atomic
def update_plan(plan: PaymentPlan, *, by: User, override_reason: str = "", **fields) -> PaymentPlan:
    require(by, MODULE, "edit")
    locked_parent = _lock_parent(_parent_of(plan), by)
    locked = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.voided:
        raise ValidationError(_("A void plan cannot be changed."))
    errors: dict[str, list] = {}
    _assign_plan(locked, fields, errors)
    if locked.amount is not None and locked.amount < locked.received:
        errors.setdefault("amount", []).append(
            _("%(received)s has been received on this installment already: the amount cannot be less.")
            % {"received": money.round_price(locked.received)})
    _check_plan(locked, locked_parent, by=by, reason=override_reason, errors=errors)
    if errors:
        raise ValidationError(errors)
    locked.save()
    return locked


@transaction.atomic
def void_plan(plan: PaymentPlan, *, by: User) -> PaymentPlan:
    """作废: the installment no longer counts (a plan with money received on it cannot be voided)."""
    require(by, MODULE, "edit")
    _lock_parent(_parent_of(plan), by)
    locked = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.received > 0:
        raise ValidationError(_("Money has been received on this installment: it cannot be voided."))
    locked.voided = True
    locked.save(update_fields=["voided", "updated_at"])
    return locked


def plan_status(today: date | None = None) -> Case:
    """The derived status as an SQL expression (lists filter and sort by it)."""
    today = today or company_today()
    S = PaymentPlan.Status
    return Case(
        When(voided=True, then=Value(S.VOID)),
        When(received__gte=F("amount"), then=Value(S.DONE)),
        When(due_on__lt=today, then=Value(S.OVERDUE)),
        When(received__gt=0, then=Value(S.PARTIAL)),
        default=Value(S.PENDING), output_field=models.CharField(),
    )


def with_status(plans: QuerySet[PaymentPlan], today: date | None = None) -> QuerySet[PaymentPlan]:
    return plans.annotate(status=plan_status(today))


def refresh_received(plan_ids: Iterable[int]) -> None:
    """Each plan's ``received`` := Σ its allocations from confirmed payment records not in the bin (one UPDATE)."""
    ids = sorted(set(plan_ids))
    if not ids:
        return
    paid = (PaymentAllocation.objects.filter(plan=OuterRef("pk"), record__status=PaymentRecord.Status.CONFIRMED,
                                             record__deleted_at__isnull=True)
            .order_by().values("plan").annotate(s=Sum("amount")).values("s"))
    PaymentPlan.all_objects.filter(pk__in=ids).update(received=Coalesce(Subquery(paid, output_field=MONEY),
                                                                        Value(ZERO), output_field=MONEY))


def _record_plans(record: PaymentRecord) -> list[int]:
    return list(PaymentAllocation.objects.filter(record=record).values_list("plan_id", flat=True))


def after_record_restore(model, pks) -> None:
    refresh_received(PaymentAllocation.objects.filter(record_id__in=pks).values_list("plan_id", flat=True))


# --- payment records ------------------------------------------------------------------------------------


def _allocate(record: PaymentRecord, plans: Sequence[PaymentPlan], parent: Parent, errors: dict) -> list:
    """Spread the record's amount over the chosen plans, earliest due first, each up to what it still lacks."""
    rows, left = [], record.amount
    chosen = sorted({p.pk: p for p in plans}.values(), key=lambda p: (p.due_on, p.installment))
    locked = {p.pk: p for p in PaymentPlan.objects.select_for_update().filter(pk__in=[p.pk for p in chosen])}
    for plan in chosen:
        row = locked.get(plan.pk)
        if row is None or (row.contract_id, row.order_id) != _parent_ids(parent):
            errors.setdefault("plans", []).append(_("This payment plan belongs to another document."))
            return []
        if row.voided:
            errors.setdefault("plans", []).append(_("Installment %(n)d is void.") % {"n": row.installment})
            return []
        share = min(left, max(row.amount - row.received, ZERO))
        if share > 0:
            rows.append(PaymentAllocation(record=record, plan=row, amount=share))
            left -= share
    return rows


@transaction.atomic
def record_payment(parent: Parent, *, by: User, plans: Sequence[PaymentPlan] = (), **fields) -> PaymentRecord:
    """A payment received (回款) on a contract or order, paying the chosen installments. It counts
    at once, unless an approval flow for payment records applies: then it waits for approval."""
    require(by, MODULE, "create")
    locked = _lock_parent(parent, by)
    _unknown(fields, RECORD_FIELDS)
    errors: dict[str, list] = {}
    record = PaymentRecord(created_by=by, **_parent_kwargs(locked))
    record.amount = _amount(fields.get("amount"), errors)
    record.received_on = _required_day(fields.get("received_on"), "received_on", errors)
    if record.received_on and record.received_on > company_today():
        errors.setdefault("received_on", []).append(_("A payment cannot be dated in the future."))
    record.method = fields.get("method")
    record.account = _text(fields.get("account"), "account", 100, errors)
    record.payer = _text(fields.get("payer"), "payer", 200, errors)
    record.note = _text(fields.get("note"), "note", 2000, errors)
    allocations = _allocate(record, plans, locked, errors) if record.amount and not errors else []
    if errors:
        raise ValidationError(errors)
    record.number = numbering.next_number("payment", company_today())
    record.save()
    if _needs_approval(record):
        record.status = PaymentRecord.Status.DRAFT
        record.save(update_fields=["status"])
    PaymentAllocation.objects.bulk_create(allocations)
    refresh_received(a.plan_id for a in allocations)
    return record


def _needs_approval(obj) -> bool:
    from saas_core.approvals import services as approvals

    return approvals.approval_state(obj) != approvals.NONE


def set_confirmation(obj: PaymentRecord | Invoice, status: str) -> None:
    """The approval engine's callbacks: awaiting approval, confirmed, or back to not confirmed."""
    type(obj).all_objects.filter(pk=obj.pk).update(status=status, updated_at=timezone.now())
    obj.status = status
    if isinstance(obj, PaymentRecord):
        refresh_received(_record_plans(obj))


@transaction.atomic
def plan_from_record(record: PaymentRecord, *, by: User) -> PaymentPlan:
    """Record → plan: a payment that came without a plan gets an installment covering what of it no
    plan holds yet (due on the day it came), so the plan matches what was paid."""
    require(by, MODULE, "create")
    parent = _lock_parent(_parent_of(record), by)
    locked = PaymentRecord.objects.select_for_update().get(pk=record.pk)
    free = locked.amount - (locked.allocations.aggregate(s=Sum("amount"))["s"] or ZERO)
    if free <= 0:
        raise ValidationError(_("All of this payment is already on plans."))
    plan = add_plan(parent, by=by, due_on=locked.received_on, amount=free, method=locked.method,
                    note=_("From payment %(number)s") % {"number": locked.number})
    PaymentAllocation.objects.create(record=locked, plan=plan, amount=free)
    refresh_received([plan.pk])
    plan.refresh_from_db()
    return plan


@transaction.atomic
def trash(obj: PaymentPlan | PaymentRecord | Invoice, *, by: User):
    """Move to the recycle bin; a payment record's installments stop counting it."""
    from saas_core.records import bin as recycle_bin

    require(by, MODULE, "delete")
    if isinstance(obj, PaymentPlan) and obj.received > 0:
        raise ValidationError(_("Money has been received on this installment: delete its payments first."))
    entry = recycle_bin.trash(obj, by=by)
    if isinstance(obj, PaymentRecord):
        refresh_received(_record_plans(obj))
    return entry


# --- invoices ----------------------------------------------------------------------------------------------


@transaction.atomic
def issue_invoice(parent: Parent, *, by: User, record: PaymentRecord | None = None, override_reason: str = "",
                  **fields) -> Invoice:
    """An invoice (开票) on a contract or order, optionally for one payment record; Σ invoiced
    stays within the document's total unless overridden with a reason."""
    require(by, MODULE, "create")
    locked = _lock_parent(parent, by)
    _unknown(fields, INVOICE_FIELDS)
    errors: dict[str, list] = {}
    invoice = Invoice(created_by=by, record=record, **_parent_kwargs(locked))
    if record is not None and _parent_of(record).pk != locked.pk:
        errors["record"] = [_("This payment record belongs to another document.")]
    invoice.amount = _amount(fields.get("amount"), errors)
    invoice.issued_on = _required_day(fields.get("issued_on"), "issued_on", errors)
    if invoice.issued_on and invoice.issued_on > company_today():
        errors.setdefault("issued_on", []).append(_("An invoice cannot be dated in the future."))
    invoice.kind = fields.get("kind") or Invoice.Kind.ORDINARY
    invoice.title_type = fields.get("title_type") or Invoice.TitleType.COMPANY
    if invoice.kind not in Invoice.Kind.values:
        errors["kind"] = [_("Choose the invoice type.")]
    if invoice.title_type not in Invoice.TitleType.values:
        errors["title_type"] = [_("Choose the title type.")]
    for name, limit in (("title", 200), ("tax_id", 30), ("bank", 100), ("bank_account", 50), ("address", 200),
                        ("phone", 40), ("mail_address", 300), ("invoice_number", 40), ("tracking_number", 60),
                        ("note", 2000)):
        setattr(invoice, name, _text(fields.get(name), name, limit, errors, required=name == "title"))
    if invoice.kind == Invoice.Kind.SPECIAL and invoice.title_type == Invoice.TitleType.COMPANY:
        for name in ("tax_id", "bank", "bank_account", "address", "phone"):
            if not getattr(invoice, name):
                errors.setdefault(name, []).append(_("A special VAT invoice needs this."))
    if invoice.invoice_number and Invoice.objects.filter(invoice_number=invoice.invoice_number).exists():
        errors.setdefault("invoice_number", []).append(_("This invoice number has been recorded already."))
    if invoice.amount and invoice.amount > 0:
        already = _siblings(Invoice, locked).aggregate(s=Sum("amount"))["s"] or ZERO
        invoice.override_reason = _check_total(
            by=by, total=locked.total, already=already, amount=invoice.amount, reason=override_reason,
            field="amount", errors=errors,
            message=_("The invoices would come to more than the total of %(total)s "
                      "(%(already)s invoiced already, %(left)s left)."))
    if errors:
        raise ValidationError(errors)
    invoice.save()
    if _needs_approval(invoice):
        invoice.status = Invoice.Status.DRAFT
        invoice.save(update_fields=["status"])
    return invoice


# --- the next document, prefilled (each generates the next, both ways) ---------------------------------------


def record_initial(plan: PaymentPlan) -> dict:
    """Plan → record: what the new payment record's form starts with."""
    return {"amount": money.round_price(plan.outstanding), "method": plan.method_id, "plans": [plan.pk],
            "received_on": company_today()}


def invoice_initial(parent: Parent, record: PaymentRecord | None = None) -> dict:
    """Record (or document) → invoice: the amount, and the customer's invoicing details from the
    last invoice made out to it (or its name)."""
    last = Invoice.objects.filter(customer_id=parent.customer_id).order_by("-issued_on", "-id").first()
    initial = {"title": parent.customer.name, "issued_on": company_today()}
    if last is not None:
        initial |= {name: getattr(last, name) for name in ("kind", "title_type", "title", "tax_id", "bank",
                                                           "bank_account", "address", "phone", "mail_address")}
    invoiced = _siblings(Invoice, parent).aggregate(s=Sum("amount"))["s"] or ZERO
    amount = record.amount if record is not None else max(parent.total - invoiced, ZERO)
    initial["amount"] = money.round_price(amount)
    if record is not None:
        initial["record"] = record.pk
    return initial


# --- reminders -------------------------------------------------------------------------------------------------


def due_for_reminder(today: date) -> QuerySet[PaymentPlan]:
    """Open installments whose reminder window (remind_days before the due date) has opened."""
    from django.db.models import DateField, ExpressionWrapper

    opens = ExpressionWrapper(F("due_on") - F("remind_days"), output_field=DateField())
    return (PaymentPlan.objects.filter(voided=False, received__lt=F("amount"), remind_days__gt=0, due_on__gte=today,
                                       owner__is_active=True)
            .alias(opens=opens).filter(opens__lte=today))


def remind_due(today: date | None = None) -> int:
    """One reminder per open installment and due date, to its owner, through the reminder machinery;
    a second run adds nothing (the reminder key is unique per user)."""
    from saas_core.activities.models import Reminder
    from saas_core.activities.services import add_reminders, speaking

    today = today or company_today()
    at = max(datetime.combine(today, time(REMIND_HOUR), tzinfo=company_zone()), timezone.now())
    rows = []
    for plan in due_for_reminder(today).select_related("owner", "customer", "contract", "order"):
        with speaking(plan.owner):
            title = _("%(plan)s of %(customer)s: %(amount)s due on %(day)s") % {
                "plan": plan.label, "customer": plan.customer.name, "amount": money.round_price(plan.outstanding),
                "day": plan.due_on.isoformat()}
        rows.append(Reminder(user_id=plan.owner_id, remind_at=at, source=Reminder.Source.CONTRACT,
                             key=f"payment-plan:{plan.pk}:{plan.due_on.isoformat()}", title=title[:300],
                             url=plan.get_absolute_url()))
    return add_reminders(rows)


# --- figures the targets use ---------------------------------------------------------------------------------------


def received_by_owner_month(owner_ids: Iterable[int] | None, date_from: date,
                            date_to: date) -> dict[tuple[int, str], Decimal]:
    """(owner id, 'YYYY-MM') → Σ confirmed payments received in [date_from, date_to] (one GROUP BY);
    ``owner_ids`` None: everybody. The sales targets' "payment amount" measure."""
    rows = PaymentRecord.objects.filter(status=PaymentRecord.Status.CONFIRMED, received_on__gte=date_from,
                                        received_on__lte=date_to)
    if owner_ids is not None:
        rows = rows.filter(owner_id__in=list(owner_ids))
    return by_owner_and_month(rows.order_by().annotate(month=TruncMonth("received_on")).values("owner_id", "month")
                              .annotate(value=Sum("amount")))


def choosable_plans(parent: Parent) -> QuerySet[PaymentPlan]:
    """The installments a payment on ``parent`` may pay: not void, not fully paid."""
    return _siblings(PaymentPlan, parent).filter(voided=False, received__lt=F("amount")).order_by("due_on", "installment")


def batch_words(model: type[PaymentPlan | PaymentRecord | Invoice]) -> BatchWords:
    """What the batch actions and the transfer say about plans, payments or invoices, in the current language."""
    if model is PaymentPlan:
        return BatchWords(
            none_ticked=_("Tick at least one payment plan first."), no_action=_("Choose what to do with the ticked rows."),
            none_chosen=_("Tick at least one row first."),
            outside_scope=_("You may only transfer records within your data scope."),
            transferred=lambda n: ngettext("%(count)d payment plan transferred.", "%(count)d payment plans transferred.",
                                           n) % {"count": n},
            binned=lambda n: ngettext("%(count)d payment plan moved to the recycle bin.",
                                      "%(count)d payment plans moved to the recycle bin.", n) % {"count": n})
    if model is PaymentRecord:
        return BatchWords(
            none_ticked=_("Tick at least one payment first."), no_action=_("Choose what to do with the ticked rows."),
            none_chosen=_("Tick at least one row first."),
            outside_scope=_("You may only transfer records within your data scope."),
            transferred=lambda n: ngettext("%(count)d payment transferred.", "%(count)d payments transferred.", n)
            % {"count": n},
            binned=lambda n: ngettext("%(count)d payment moved to the recycle bin.",
                                      "%(count)d payments moved to the recycle bin.", n) % {"count": n})
    return BatchWords(
        none_ticked=_("Tick at least one invoice first."), no_action=_("Choose what to do with the ticked rows."),
        none_chosen=_("Tick at least one row first."),
        outside_scope=_("You may only transfer records within your data scope."),
        transferred=lambda n: ngettext("%(count)d invoice transferred.", "%(count)d invoices transferred.", n)
        % {"count": n},
        binned=lambda n: ngettext("%(count)d invoice moved to the recycle bin.",
                                  "%(count)d invoices moved to the recycle bin.", n) % {"count": n})


def transfer(model: type[PaymentPlan | PaymentRecord | Invoice], rows: Iterable, to_user: User, *, by: User) -> int:
    """Hand plans, payments or invoices (all within ``by``'s scope) to another owner, all or nothing."""
    return batch.transfer(rows, to_user, by=by, module=MODULE, words=batch_words(model))


def may_override(user: User) -> bool:
    return has_right(user, OVERRIDE_RIGHT)

