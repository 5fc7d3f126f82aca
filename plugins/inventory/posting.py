"""Posting: the one function that turns a confirmed stock document into ledger moves.

Every document type (initial stock, stock-in, stock-out, transfer, stocktake) and every caller
(pages, API, the order stock-outs, imports, the demo, the benchmarks) goes through ``post``:

1. the document row is locked; a document that is posted already is returned as it is (a double
   click or a replayed call posts once), one that was cancelled is refused;
2. the balance rows of every (product, warehouse) it touches are created if missing and locked
   with SELECT … FOR UPDATE in (product, warehouse) order, so two documents over the same products
   always queue in the same order and cannot deadlock each other;
3. each line is applied with the moving average (``costing``); an issue that would take a balance
   below zero is refused with a field error on that line, unless negative stock is allowed (the
   company's default or the product's own rule);
4. the moves are appended and the balances written in the same transaction, and ``then`` (e.g. the
   order's delivered quantities) runs inside it too.

A deadlock or serialization failure (another writer outside this lock order) rolls the attempt
back and tries again after a short random pause; the user sees a "busy, try again" field error,
never a 500. The posting time is now; a document dated earlier today is accepted only where the
company allows same-day back-dating.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plugins.inventory import costing
from plugins.inventory.models import Balance, Document, DocumentLine, InventorySettings, Move, StockRule

ATTEMPTS = 8
RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected
# A clock a little ahead of the database's is not "the future".
FUTURE_SLACK = timedelta(minutes=5)
K = Move.Kind


def company_settings() -> InventorySettings:
    return InventorySettings.objects.filter(pk=1).first() or InventorySettings(pk=1)


def negative_allowed(product_ids, default: bool) -> dict[int, bool]:
    """product id -> may it go below zero (the product's own rule, else the company default)."""
    own = dict(StockRule.objects.filter(product_id__in=product_ids, allow_negative__isnull=False)
               .values_list("product_id", "allow_negative"))
    return {pk: own.get(pk, default) for pk in product_ids}


def format_quantity(value: Decimal) -> str:
    """10, 2.5 (no trailing zeros) for messages."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


def _retryable(exc: BaseException) -> bool:
    cause = exc.__cause__ or exc
    return getattr(cause, "sqlstate", None) in RETRYABLE


def _retrying(work: Callable[[], Document]) -> Document:
    """``work()`` in a transaction; a deadlock or serialization failure rolls it back and runs it again."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as exc:
            if not _retryable(exc):
                raise
            if attempt == ATTEMPTS - 1:
                raise ValidationError({"lines": [_("The stock is being changed by others right now; please try "
                                                   "again.")]}) from exc
            time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
    raise AssertionError("unreachable")


def post(document: Document | int, *, by, occurred_at: datetime | None = None,
         then: Callable[[Document, list[Move]], None] | None = None) -> Document:
    """Post ``document`` (its lines) to the ledger and balances; see the module docstring."""
    pk = getattr(document, "pk", document)
    return _retrying(lambda: _post(pk, by=by, occurred_at=occurred_at, then=then))


def reverse(document: Document | int, *, by, then: Callable[[Document], None] | None = None) -> Document:
    """Undo a posted document: a reversal move for each of its moves, newest first, each pointing at
    the move it reverses; refused (field error) where a balance would go below zero. ``then`` runs
    afterwards in the same transaction (e.g. voiding the order's shipment), so the locks are taken
    in the same order as posting takes them: document, balances, then the order."""
    pk = getattr(document, "pk", document)
    return _retrying(lambda: _reverse(pk, by=by, then=then))


def check_date(occurred_at: datetime | None, rules: InventorySettings) -> datetime:
    """The document's date: now, or earlier today where the company allows it."""
    now = timezone.now()
    if occurred_at is None:
        return now
    if occurred_at > now + FUTURE_SLACK:
        raise ValidationError({"occurred_at": [_("A stock document cannot be dated in the future.")]})
    if occurred_at >= now - FUTURE_SLACK:
        return min(occurred_at, now)
    from saas_core.tenancy import company_today, company_zone

    if not rules.allow_same_day_backdating:
        raise ValidationError({"occurred_at": [_("Stock is posted now: this company does not allow back-dating.")]})
    if timezone.localtime(occurred_at, company_zone()).date() != company_today():
        raise ValidationError({"occurred_at": [_("A stock document may be dated earlier today only, never on an "
                                                 "earlier day.")]})
    return occurred_at


def _lock_balances(places: set[tuple[int, int]]) -> dict[tuple[int, int], Balance]:
    ordered = sorted(places)
    Balance.objects.bulk_create([Balance(product_id=p, warehouse_id=w) for p, w in ordered], ignore_conflicts=True)
    match = Q()
    for p, w in ordered:
        match |= Q(product_id=p, warehouse_id=w)
    rows = Balance.objects.select_for_update().filter(match).order_by("product_id", "warehouse_id")
    return {(b.product_id, b.warehouse_id): b for b in rows}


def _places(document: Document, lines: list[DocumentLine]) -> set[tuple[int, int]]:
    places = {(ln.product_id, document.warehouse_id) for ln in lines}
    if document.kind == Document.Kind.TRANSFER:
        places |= {(ln.product_id, document.to_warehouse_id) for ln in lines}
    return places


def _post(pk: int, *, by, occurred_at, then) -> Document:
    doc = (Document.objects.select_for_update(of=("self",)).select_related("warehouse", "to_warehouse")
           .filter(pk=pk).first())
    if doc is None:
        raise ValidationError(_("This stock document no longer exists."))
    if doc.status == Document.Status.POSTED:
        return doc
    if doc.status != Document.Status.DRAFT:
        raise ValidationError({"status": [_("A cancelled stock document cannot be posted.")]})
    rules = company_settings()
    when = check_date(occurred_at or doc.occurred_at, rules)
    lines = list(doc.lines.select_related("product").order_by("position", "id"))
    if not lines:
        raise ValidationError({"lines": [_("Add at least one line.")]})
    balances = _lock_balances(_places(doc, lines))
    states = {key: costing.State(b.quantity, b.unit_cost, b.value) for key, b in balances.items()}
    may_go_negative = negative_allowed({ln.product_id for ln in lines}, rules.allow_negative)
    now = timezone.now()
    moves: list[Move] = []
    errors: dict[str, list] = {}

    def append(line, warehouse, kind, step: costing.Step) -> None:
        states[(line.product_id, warehouse.pk)] = step.after
        moves.append(Move(product_id=line.product_id, warehouse=warehouse, kind=kind, quantity=step.quantity,
                          unit_cost=step.unit_cost, value=step.value, quantity_after=step.after.quantity,
                          value_after=step.after.value, document=doc, line=line, occurred_at=when, posted_at=now,
                          posted_by=by))

    def take(i, line, warehouse, quantity, kind) -> costing.Step | None:
        state = states[(line.product_id, warehouse.pk)]
        if state.quantity - quantity < 0 and not may_go_negative[line.product_id]:
            errors.setdefault(f"lines.{i}.quantity", []).append(
                _("Not enough stock of “%(product)s” (%(wanted)s wanted from %(warehouse)s, %(left)s left)") % {
                    "product": line.product.name, "wanted": format_quantity(quantity), "warehouse": warehouse.name,
                    "left": format_quantity(max(state.quantity, costing.ZERO))})
            return None
        step = costing.issue(state, quantity)
        append(line, warehouse, kind, step)
        return step

    for i, line in enumerate(lines):
        place = (line.product_id, doc.warehouse_id)
        if doc.kind in (Document.Kind.IN, Document.Kind.INITIAL):
            kind = K.INITIAL if doc.kind == Document.Kind.INITIAL else K.IN
            cost = line.unit_cost if line.unit_cost is not None else states[place].unit_cost
            append(line, doc.warehouse, kind, costing.receive(states[place], line.quantity, unit_cost=cost))
        elif doc.kind == Document.Kind.OUT:
            take(i, line, doc.warehouse, line.quantity, K.OUT)
        elif doc.kind == Document.Kind.TRANSFER:
            step = take(i, line, doc.warehouse, line.quantity, K.TRANSFER_OUT)
            if step is not None:
                dest = (line.product_id, doc.to_warehouse_id)
                append(line, doc.to_warehouse, K.TRANSFER_IN,
                       costing.receive(states[dest], line.quantity, value=-step.value))
        elif doc.kind == Document.Kind.STOCKTAKE:
            # difference = counted − book − moves since the snapshot; under the lock the balance is
            # exactly book + moves since, so the difference brings it to the counted quantity.
            difference = line.quantity - states[place].quantity
            if difference > 0:
                append(line, doc.warehouse, K.STOCKTAKE, costing.receive(states[place], difference))
            elif difference < 0:
                append(line, doc.warehouse, K.STOCKTAKE, costing.issue(states[place], -difference))
    if errors:
        raise ValidationError(errors)
    _write(moves, balances, states, now)
    doc.status, doc.posted_at, doc.posted_by, doc.occurred_at = Document.Status.POSTED, now, by, when
    doc.save(update_fields=["status", "posted_at", "posted_by", "occurred_at"])
    if then is not None:
        then(doc, moves)
    return doc


def _write(moves: list[Move], balances: dict, states: dict, now) -> None:
    Move.objects.bulk_create(moves)
    changed = []
    for key, balance in balances.items():
        state = states[key]
        if (balance.quantity, balance.unit_cost, balance.value) != (state.quantity, state.unit_cost, state.value):
            balance.quantity, balance.unit_cost, balance.value = state.quantity, state.unit_cost, state.value
            balance.updated_at = now
            changed.append(balance)
    Balance.objects.bulk_update(changed, ["quantity", "unit_cost", "value", "updated_at"])


def _reverse(pk: int, *, by, then) -> Document:
    doc = (Document.objects.select_for_update(of=("self",)).select_related("warehouse", "to_warehouse")
           .filter(pk=pk).first())
    if doc is None:
        raise ValidationError(_("This stock document no longer exists."))
    if doc.status == Document.Status.REVERSED:
        return doc
    if doc.status != Document.Status.POSTED:
        raise ValidationError({"status": [_("Only a posted document can be undone.")]})
    originals = list(doc.moves.filter(reverses__isnull=True).select_related("product", "warehouse").order_by("-id"))
    balances = _lock_balances({(m.product_id, m.warehouse_id) for m in originals})
    states = {key: costing.State(b.quantity, b.unit_cost, b.value) for key, b in balances.items()}
    may_go_negative = negative_allowed({m.product_id for m in originals}, company_settings().allow_negative)
    now = timezone.now()
    moves, errors = [], {}
    for move in originals:
        key = (move.product_id, move.warehouse_id)
        state = states[key]
        step = costing.undo(state, move.quantity, move.value)
        if step.after.quantity < 0 and not may_go_negative[move.product_id]:
            errors.setdefault("lines", []).append(
                _("Undoing this would leave %(left)s of “%(product)s” in %(warehouse)s: undo what was posted "
                  "after it first.") % {"left": format_quantity(step.after.quantity), "product": move.product.name,
                                        "warehouse": move.warehouse.name})
            continue
        states[key] = step.after
        moves.append(Move(product_id=move.product_id, warehouse_id=move.warehouse_id, kind=K.REVERSAL,
                          quantity=step.quantity, unit_cost=step.unit_cost, value=step.value,
                          quantity_after=step.after.quantity, value_after=step.after.value, document=doc,
                          line_id=move.line_id, reverses=move, occurred_at=now, posted_at=now, posted_by=by))
    if errors:
        raise ValidationError(errors)
    _write(moves, balances, states, now)
    doc.status = Document.Status.REVERSED
    doc.save(update_fields=["status"])
    if then is not None:
        then(doc)
    return doc
