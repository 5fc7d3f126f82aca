"""Contracts (CTR-01): the operations pages, the API, conversions, tasks and the demo all call.

A contract's money is the shared line computation (saas_core.lines): ``_save`` checks the header
and every line and stores lines and totals in one transaction. Its number comes from the
company's pattern inside that transaction (contracts.numbering: gap-free per year, never given
twice). Lines and amounts change only while it is a draft: awaiting approval (the approval
engine sets that status), in progress or closed, they are locked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, ExpressionWrapper, F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas_core import money
from saas_core.accounts.models import User
from saas_core.approvals import services as approvals
from saas_core.contracts import numbering
from saas_core.contracts.models import Contract, ContractLine, DeliveryPlan, DeliveryRecord
from saas_core.customers.models import Contact, Customer
from saas_core.lines import documents
from saas_core.lines import services as lines
from saas_core.lines.services import LineInput, price_lines
from saas_core.org.access import require
from saas_core.org.scope import visible
from saas_core.products.models import PriceStrategy
from saas_core.records import batch
from saas_core.records.batch import BatchWords
from saas_core.tenancy import company_today, company_zone

MODULE = "contracts"
DEFAULT_YEARS = 1
FIELDS = ("title", "category", "customer", "opportunity", "quote", "owner", "strategy", "signed_on", "start_on",
          "end_on", "customer_signer", "our_signer", "terms", "renewal_days")
S = Contract.Status
# Which status may follow which by a person; "awaiting approval" is the approval engine's.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.IN_PROGRESS, S.VOID),
    S.IN_PROGRESS: (S.COMPLETED, S.TERMINATED),
}
REMIND_HOUR = 9


def contracts_for(user: User) -> QuerySet[Contract]:
    """The contracts ``user``'s data scope shows."""
    return visible(Contract.objects.all(), user)


def _check_header(contract: Contract, by: User, errors: dict) -> None:
    documents.check_parties(contract, by, errors, no_customer=_("Choose the customer of this contract."),
                            owner_out_of_scope=_("You may only give contracts to people within your data scope."))
    if not (contract.title or "").strip():
        errors.setdefault("title", []).append(_("This field is required."))
    elif len(contract.title) > 200:
        errors.setdefault("title", []).append(_("At most 200 characters."))
    if not contract.start_on:
        errors.setdefault("start_on", []).append(_("This field is required."))
    if not contract.end_on:
        errors.setdefault("end_on", []).append(_("This field is required."))
    elif contract.start_on and contract.end_on < contract.start_on:
        errors.setdefault("end_on", []).append(_("The end date cannot be before the start date."))
    if contract.customer_signer_id and contract.customer_id and contract.customer_signer.customer_id != contract.customer_id:
        errors.setdefault("customer_signer", []).append(_("The signer must be a contact of this customer."))
    if contract.our_signer_id and not contract.our_signer.is_active:
        errors.setdefault("our_signer", []).append(_("%(user)s is no longer active.") % {"user": contract.our_signer})
    if contract.renewal_days is not None and not 0 <= contract.renewal_days <= 365:
        errors.setdefault("renewal_days", []).append(_("Between 0 and 365 days."))


def _assign(contract: Contract, fields: Mapping) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown contract fields: {sorted(unknown)}")
    for name, value in fields.items():
        if value is None and name in ("title", "terms"):
            value = ""
        if value is None and name == "renewal_days":
            value = 30
        setattr(contract, name, value)


def _save(contract: Contract, *, by: User, lines_in: Sequence[LineInput], discount, kept: set[int]) -> Contract:
    errors: dict[str, list] = {}
    _check_header(contract, by, errors)
    priced = price_lines(lines_in, strategy=contract.strategy, discount=discount, kept_product_ids=kept,
                         errors=errors)
    totals = priced.totals
    contract.subtotal, contract.discount, contract.total = totals.subtotal, totals.discount, totals.total
    if not contract.number:
        contract.number = numbering.next_number("contract", company_today())
    contract.save()
    ContractLine.objects.filter(contract=contract).delete()
    ContractLine.objects.bulk_create([ContractLine(contract=contract, **row) for row in priced.rows()])
    return contract


@transaction.atomic
def create_contract(*, by: User, lines: Sequence[LineInput], discount=0, check_permission: bool = True,
                    number: str = "", **fields) -> Contract:
    """A new draft contract with its lines and the next number (or ``number``, an imported
    contract's own); owner defaults to ``by``, the term to one year from today."""
    if check_permission:
        require(by, MODULE, "create")
    contract = Contract(created_by=by, status=S.DRAFT, number=(number or "").strip())
    fields.setdefault("owner", by)
    if not fields.get("start_on"):
        fields["start_on"] = company_today()
    if not fields.get("end_on") and isinstance(fields["start_on"], date):
        start = fields["start_on"]
        fields["end_on"] = start.replace(year=start.year + DEFAULT_YEARS) - timedelta(days=1) \
            if not (start.month == 2 and start.day == 29) else start + timedelta(days=364)
    if fields.get("strategy") is None:
        fields["strategy"] = PriceStrategy.objects.filter(key="deal").first()
    _assign(contract, fields)
    return _save(contract, by=by, lines_in=lines, discount=discount, kept=set())


def _locked(contract: Contract) -> Contract:
    return documents.locked(Contract, contract.pk, gone=_("This contract no longer exists (it may have been deleted)."))


@transaction.atomic
def update_contract(contract: Contract, *, by: User, lines: Sequence[LineInput], discount=0, **fields) -> Contract:
    """Change a draft: its fields and all its lines (products already on it may stay, discontinued or not)."""
    require(by, MODULE, "edit")
    locked = _locked(contract)
    if not locked.is_editable:
        raise ValidationError(_("Only a draft contract can be changed; this one is “%(status)s”.")
                              % {"status": locked.get_status_display()})
    approvals.guard_edit(locked)
    kept = documents.kept_products(ContractLine, contract=locked)
    _assign(locked, fields)
    _save(locked, by=by, lines_in=lines, discount=discount, kept=kept)
    documents.copy_into(contract, locked)
    return locked


@transaction.atomic
def set_status(contract: Contract, status: str, *, by: User) -> Contract:
    """Sign (draft → in progress), void a draft, complete or terminate a running contract."""
    require(by, MODULE, "edit")
    locked = _locked(contract)
    if status == locked.status:
        return locked
    if status not in TRANSITIONS.get(locked.status, ()):
        raise ValidationError({"status": [_("A contract that is “%(current)s” cannot become “%(new)s”.") % {
            "current": locked.get_status_display(), "new": dict(S.choices).get(status, status)}]})
    if status == S.IN_PROGRESS:
        try:
            approvals.require_approved(locked)
        except ValidationError as exc:
            raise ValidationError({"status": exc.messages}) from exc
    _set(locked, status)
    documents.copy_into(contract, locked)
    return locked


def _set(contract: Contract, status: str) -> None:
    contract.status = status
    fields = ["status", "updated_at"]
    if status == S.IN_PROGRESS and contract.signed_on is None:
        contract.signed_on = company_today()
        fields.append("signed_on")
    contract.save(update_fields=fields)


def take_effect(contract: Contract, by: User | None) -> None:
    """The approval of ``contract`` ended approved: it becomes effective (in progress, signed today
    unless a signing date was entered). Called by the approval engine inside its transaction, so
    the approver needs no right to edit contracts."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if locked.status in (S.DRAFT, S.PENDING_APPROVAL):
        _set(locked, S.IN_PROGRESS)


def line_inputs(contract: Contract) -> list[LineInput]:
    return lines.line_inputs(contract.lines.all())


def from_quote(quote, *, by: User) -> Contract:
    """Quote → contract (one click): the quote's customer, opportunity, strategy, terms, discount and
    lines (discontinued products left out), linked to the quote. Runs inside ``run_conversion``."""
    require(by, MODULE, "create")
    kept = [ln for ln in lines.line_inputs(quote.lines.all()) if not ln.product.discontinued]
    return create_contract(
        by=by, lines=kept, discount=quote.discount, check_permission=False,
        title=quote.subject or _("Contract for quote %(number)s") % {"number": quote.number},
        customer=quote.customer, opportunity=quote.opportunity, quote=quote, strategy=quote.strategy,
        terms=quote.terms, owner=quote.owner if quote.owner.is_active else by,
    )


def batch_words() -> BatchWords:
    """What the batch actions and the transfer say about contracts, in the current language."""
    return BatchWords(
        none_ticked=_("Tick at least one contract first."),
        no_action=_("Choose what to do with the ticked contracts."),
        none_chosen=_("Choose at least one contract."),
        outside_scope=_("You may only transfer contracts within your data scope."),
        transferred=lambda n: ngettext("%(count)d contract transferred.", "%(count)d contracts transferred.", n)
        % {"count": n},
        binned=lambda n: ngettext("%(count)d contract moved to the recycle bin.",
                                  "%(count)d contracts moved to the recycle bin.", n) % {"count": n},
    )


def transfer(contracts: Iterable[Contract], to_user: User, *, by: User) -> int:
    """Give contracts (all within ``by``'s scope) to ``to_user``; all or nothing."""
    return batch.transfer(contracts, to_user, by=by, module=MODULE, words=batch_words())


def last_prices(user: User, customer: Customer, product_ids: Iterable[int], *,
                exclude: int | None = None) -> dict[int, list[dict]]:
    """product id → this customer's last contract prices (newest first, at most three)."""
    contracts = contracts_for(user).filter(customer=customer)
    if exclude:
        contracts = contracts.exclude(pk=exclude)
    return lines.last_prices(ContractLine, contracts, product_ids, document_field="contract", date_field="start_on")


def signer_choices(customer: Customer | None) -> QuerySet[Contact]:
    return Contact.objects.filter(customer=customer).order_by("name") if customer else Contact.objects.none()


# --- delivery plans and records -----------------------------------------------------------------


def _check_delivery(contract: Contract, day, content: str, amount, *, day_field: str) -> tuple:
    errors: dict[str, list] = {}
    if contract.status not in (S.DRAFT, S.IN_PROGRESS):
        raise ValidationError(_("A contract that is “%(status)s” takes no more deliveries.")
                              % {"status": contract.get_status_display()})
    if not day:
        errors[day_field] = [_("This field is required.")]
    content = (content or "").strip()
    if not content:
        errors["content"] = [_("This field is required.")]
    elif len(content) > 200:
        errors["content"] = [_("At most 200 characters.")]
    value = lines.read_number(amount if amount not in (None, "") else 0, "amount", errors,
                              places=money.places().price)
    if value is not None and value < 0:
        errors.setdefault("amount", []).append(_("An amount cannot be negative."))
    if value is not None and value >= lines.money_limit():
        errors.setdefault("amount", []).append(_("The amount is too large."))
    if errors:
        raise ValidationError(errors)
    return content, value


@transaction.atomic
def add_delivery_plan(contract: Contract, *, by: User, planned_on, content: str, amount=0) -> DeliveryPlan:
    require(by, MODULE, "edit")
    locked = _locked(contract)
    content, value = _check_delivery(locked, planned_on, content, amount, day_field="planned_on")
    return DeliveryPlan.objects.create(contract=locked, planned_on=planned_on, content=content, amount=value)


@transaction.atomic
def record_delivery(contract: Contract, *, by: User, delivered_on, content: str, amount=0,
                    plan: DeliveryPlan | None = None, note: str = "") -> DeliveryRecord:
    require(by, MODULE, "edit")
    locked = _locked(contract)
    if plan is not None and plan.contract_id != locked.pk:
        raise ValidationError({"plan": [_("This delivery plan belongs to another contract.")]})
    content, value = _check_delivery(locked, delivered_on, content, amount, day_field="delivered_on")
    return DeliveryRecord.objects.create(contract=locked, plan=plan, delivered_on=delivered_on, content=content,
                                         amount=value, note=note or "", created_by=by)


def delivery_plans(contract: Contract, *, today: date | None = None) -> list[DeliveryPlan]:
    """The plans with their derived state: delivered (a record against it), overdue or pending."""
    today = today or company_today()
    plans = list(contract.delivery_plans.annotate(delivered=Sum("records__amount")).prefetch_related("records"))
    for plan in plans:
        done = bool(plan.records.all())
        plan.state = "delivered" if done else ("overdue" if plan.planned_on < today else "pending")
    return plans


def delivered_total(contract: Contract):
    """Σ delivered amounts (an SQL aggregate; the 360° business totals use the same)."""
    return contract.delivery_records.aggregate(total=Sum("amount"))["total"] or 0


# --- renewal reminders ----------------------------------------------------------------------------


def due_for_renewal(today: date) -> QuerySet[Contract]:
    """Running contracts whose end date is within their reminder window (and not yet passed)."""
    # date − integer is a date in PostgreSQL: the day the window opens.
    opens = ExpressionWrapper(F("end_on") - F("renewal_days"), output_field=DateField())
    return (Contract.objects.filter(status=S.IN_PROGRESS, renewal_days__gt=0, end_on__gte=today,
                                    owner__is_active=True)
            .alias(opens=opens).filter(opens__lte=today))


def remind_renewals(today: date | None = None) -> int:
    """One reminder per running contract and end date, to its owner, when the renewal window opens;
    a second run (or two beats at once) adds nothing: the reminder key is unique per user."""
    from saas_core.activities.models import Reminder
    from saas_core.activities.services import add_reminders, speaking

    today = today or company_today()
    at = max(datetime.combine(today, time(REMIND_HOUR), tzinfo=company_zone()), timezone.now())
    rows = []
    for contract in due_for_renewal(today).select_related("owner", "customer"):
        with speaking(contract.owner):
            title = _("Contract %(number)s with %(customer)s ends on %(end)s: time to renew") % {
                "number": contract.number, "customer": contract.customer.name, "end": contract.end_on.isoformat()}
        rows.append(Reminder(user_id=contract.owner_id, remind_at=at, source=Reminder.Source.CONTRACT,
                             key=f"contract-renewal:{contract.pk}:{contract.end_on.isoformat()}", title=title[:300],
                             url=contract.get_absolute_url()))
    return add_reminders(rows)
