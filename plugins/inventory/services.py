"""Inventory operations the pages, the API, the order event, the demo and the benchmarks all call.

Warehouses (at most 80 per company) with their keepers; stock documents drafted by anyone with
the "create" permission and posted when a keeper of their warehouse confirms them (``confirm``,
which calls ``posting.post``); one-step transfers (drafted and posted at once); and the sales
stock-outs drafted from a confirmed order, whose confirmation raises the order's delivered
quantities through the orders' own ``ship`` in the same transaction as the stock moves.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from plugins.inventory import access, posting
from plugins.inventory.models import (
    MAX_WAREHOUSES,
    Document,
    DocumentLine,
    InventorySettings,
    Move,
    StockRule,
    Warehouse,
)
from saas_core import money
from saas_core.lines import services as lines_
from saas_core.org.access import require, require_boss
from saas_core.products.models import Product
from saas_core.tenancy import company_today

logger = logging.getLogger(__name__)
MODULE = access.MODULE
D = Document.Kind
PREFIXES = {D.INITIAL: "QC", D.IN: "RK", D.OUT: "CK", D.TRANSFER: "DB", D.STOCKTAKE: "PD"}


@dataclass(frozen=True)
class LineIn:
    """One line as a form, the API or an import gives it: product (or id), quantity, unit cost."""

    product: Product | int | None
    quantity: object
    unit_cost: object = None
    order_line: int | None = None
    purchase_line: int | None = None


# --- warehouses --------------------------------------------------------------------------------


@transaction.atomic
def save_warehouse(*, by, warehouse: Warehouse | None = None, code: str, name: str, address: str = "",
                   keepers: Sequence = (), active: bool = True) -> Warehouse:
    """Create (``warehouse`` None) or change a warehouse and set its keepers."""
    require(by, MODULE, "create" if warehouse is None else "edit")
    errors: dict[str, list] = {}
    code, name, address = (code or "").strip(), (name or "").strip(), (address or "").strip()
    for field, value, limit in (("code", code, 30), ("name", name, 100), ("address", address, 300)):
        if field != "address" and not value:
            errors.setdefault(field, []).append(_("This field is required."))
        elif len(value) > limit:
            errors.setdefault(field, []).append(_("At most %(n)d characters.") % {"n": limit})
    others = Warehouse.objects.exclude(pk=getattr(warehouse, "pk", None))
    if code and others.filter(code=code).exists():
        errors.setdefault("code", []).append(_("Another warehouse has this code."))
    if name and others.filter(name=name).exists():
        errors.setdefault("name", []).append(_("Another warehouse has this name."))
    if warehouse is None:
        # Serialise creations so two at once cannot make the 81st.
        InventorySettings.objects.get_or_create(pk=1)
        InventorySettings.objects.select_for_update().get(pk=1)
        if Warehouse.objects.count() >= MAX_WAREHOUSES:
            errors.setdefault("name", []).append(
                _("A company may have at most %(n)d warehouses.") % {"n": MAX_WAREHOUSES})
    if errors:
        raise ValidationError(errors)
    warehouse = warehouse or Warehouse()
    warehouse.code, warehouse.name, warehouse.address, warehouse.active = code, name, address, active
    warehouse.save()
    warehouse.keepers.set([k for k in keepers if k is not None])
    return warehouse


def warehouses_for(user) -> QuerySet[Warehouse]:
    """Every warehouse is visible to the inventory roles; keepers confirm only their own."""
    return Warehouse.objects.prefetch_related("keepers")


def default_warehouse() -> Warehouse | None:
    return Warehouse.objects.filter(active=True).order_by("position", "code", "id").first()


@transaction.atomic
def set_stock_rule(product: Product, *, by, min_quantity=None, max_quantity=None, tracked: bool = True,
                   allow_negative: bool | None = None) -> StockRule:
    """A product's own rules: stock-tracked, negative stock (None: the company default), min and max."""
    require(by, MODULE, "edit")
    errors: dict[str, list] = {}
    places = money.places().quantity
    low = lines_.read_number(min_quantity, "min_quantity", errors, places=places, blank_ok=True)
    high = lines_.read_number(max_quantity, "max_quantity", errors, places=places, blank_ok=True)
    for field, value in (("min_quantity", low), ("max_quantity", high)):
        if value is not None and value < 0:
            errors.setdefault(field, []).append(_("The quantity cannot be negative."))
    if low is not None and high is not None and high < low:
        errors.setdefault("max_quantity", []).append(_("The maximum cannot be below the minimum."))
    if errors:
        raise ValidationError(errors)
    rule, _created = StockRule.objects.update_or_create(product=product, defaults={
        "min_quantity": low, "max_quantity": high, "tracked": tracked, "allow_negative": allow_negative})
    return rule


# --- documents -------------------------------------------------------------------------------------


def line_products(items: Sequence, errors: dict) -> list[tuple[int, object, Product]]:
    """(index, item, product) of the lines whose product exists (one query); "Choose a product."
    on ``lines.<i>.product`` for the others."""
    ids = {getattr(i.product, "pk", i.product) for i in items}
    products = Product.objects.filter(pk__in=[i for i in ids if isinstance(i, int)], deleted_at__isnull=True).in_bulk()
    found = []
    for n, item in enumerate(items):
        product = products.get(getattr(item.product, "pk", item.product))
        if product is None:
            errors.setdefault(f"lines.{n}.product", []).append(_("Choose a product."))
        else:
            found.append((n, item, product))
    return found


def _clean_lines(kind: str, items: Sequence[LineIn], errors: dict) -> list[DocumentLine]:
    places = money.places().quantity
    out = []
    for n, item, product in line_products(items, errors):
        key = f"lines.{n}."
        quantity = lines_.read_number(item.quantity, key + "quantity", errors, places=places)
        if quantity is None:
            continue
        if quantity < 0 or (quantity == 0 and kind != D.STOCKTAKE):
            errors.setdefault(key + "quantity", []).append(
                _("The counted quantity cannot be negative.") if kind == D.STOCKTAKE
                else _("The quantity must be more than 0."))
            continue
        unit_cost = None
        if kind in (D.IN, D.INITIAL):
            unit_cost = lines_.read_number(item.unit_cost, key + "unit_cost", errors, places=6, blank_ok=True)
            if unit_cost is not None and unit_cost < 0:
                errors.setdefault(key + "unit_cost", []).append(_("The unit cost cannot be negative."))
                continue
        out.append(DocumentLine(position=n, product=product, quantity=quantity, unit_cost=unit_cost,
                                order_line_id=item.order_line, purchase_line_id=item.purchase_line))
    if not items and not errors:
        errors["lines"] = [_("Add at least one line.")]
    return out


@transaction.atomic
def create_document(*, by, kind: str, warehouse: Warehouse | None, lines: Sequence[LineIn],
                    to_warehouse: Warehouse | None = None, note: str = "", occurred_at: datetime | None = None,
                    order=None, purchase_order=None, check_permission: bool = True) -> Document:
    """A draft stock document with its lines (a stocktake's lines keep the book quantity now)."""
    if check_permission:
        require(by, MODULE, "create")
    errors: dict[str, list] = {}
    if kind not in D.values:
        errors["kind"] = [_("Unknown document type.")]
    if warehouse is None:
        errors["warehouse"] = [_("Choose a warehouse.")]
    if kind == D.TRANSFER:
        if to_warehouse is None:
            errors["to_warehouse"] = [_("Choose the warehouse the goods go to.")]
        elif warehouse is not None and to_warehouse.pk == warehouse.pk:
            errors["to_warehouse"] = [_("Choose another warehouse than the one the goods leave.")]
    else:
        to_warehouse = None
    rows = _clean_lines(kind, lines, errors)
    if occurred_at is not None:
        try:
            posting.check_date(occurred_at, posting.company_settings())
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    # A placeholder of its own: a shared one would make concurrent creators wait on its unique key.
    doc = Document.objects.create(number=f"~{uuid.uuid4().hex}", kind=kind, warehouse=warehouse, to_warehouse=to_warehouse,
                                  note=note or "", occurred_at=occurred_at, order=order,
                                  purchase_order=purchase_order, created_by=by)
    # The number carries the document's id: unique without a counter row every writer would queue on.
    doc.number = f"{PREFIXES[kind]}{company_today():%Y%m%d}-{doc.pk:05d}"
    doc.save(update_fields=["number"])
    if kind == D.STOCKTAKE:
        from plugins.inventory.models import Balance

        book = dict(Balance.objects.filter(warehouse=warehouse, product_id__in=[r.product_id for r in rows])
                    .values_list("product_id", "quantity"))
        for row in rows:
            row.book_quantity = book.get(row.product_id, Decimal(0))
    for row in rows:
        row.document = doc
    DocumentLine.objects.bulk_create(rows)
    return doc


def _then(document: Document):
    """What posting a document also does in its transaction: a purchase receipt's received
    quantities, a sales stock-out's delivered quantities (orders.ship)."""
    if document.purchase_order_id is not None:
        from plugins.inventory.purchasing import after_receipt

        return after_receipt
    if document.order_id is None:
        return None

    def ship(doc: Document, moves: list[Move]) -> None:
        from saas_core.orders import services as orders

        items = [orders.ShipInput(ln.order_line_id, ln.quantity) for ln in doc.lines.all() if ln.order_line_id]
        if items:
            doc.shipment = orders.ship(doc.order, items, by=doc.posted_by, note=doc.number, check_permission=False)
            doc.save(update_fields=["shipment"])

    return ship


def confirm(document: Document, *, by, occurred_at: datetime | None = None) -> Document:
    """A keeper of the document's warehouse confirms it: posted to the ledger (once)."""
    access.require_confirm(by, document.warehouse)
    posted = posting.post(document, by=by, occurred_at=occurred_at, then=_then(document))
    if posted.order_id is not None:
        _draft_rest_of_order(posted.order, by=by)
    return posted


def undo(document: Document, *, by) -> Document:
    """The Boss undoes a posted document: reversal moves (refused where stock would go below zero:
    undo the later documents first); a sales stock-out's shipment is voided with it, so the order's
    delivered quantities go back, and its rest is drafted again."""
    require_boss(by, _("Only the Boss may undo posted stock documents."))

    def void_shipment(doc: Document) -> None:
        if doc.shipment_id:
            from saas_core.orders import services as orders

            orders.void_shipment(doc.shipment, by=by)

    undone = posting.reverse(document, by=by, then=void_shipment)
    if undone.order_id is not None:
        _draft_rest_of_order(undone.order, by=by)
    return undone


@transaction.atomic
def cancel(document: Document, *, by) -> Document:
    require(by, MODULE, "edit")
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status == Document.Status.POSTED:
        raise ValidationError({"status": [_("A posted document cannot be cancelled; it can only be reversed.")]})
    locked.status = Document.Status.CANCELLED
    locked.save(update_fields=["status"])
    return locked


def transfer(*, by, source: Warehouse, destination: Warehouse, lines: Sequence[LineIn], note: str = "") -> Document:
    """A one-step transfer: drafted and posted at once by a keeper of the source warehouse."""
    access.require_confirm(by, source)
    with transaction.atomic():
        doc = create_document(by=by, kind=D.TRANSFER, warehouse=source, to_warehouse=destination, lines=lines,
                              note=note)
        return posting.post(doc, by=by)


# --- sales stock-outs (ORD-01) -----------------------------------------------------------------


def _tracked(product_ids) -> set[int]:
    untracked = set(StockRule.objects.filter(product_id__in=product_ids, tracked=False)
                    .values_list("product_id", flat=True))
    return set(product_ids) - untracked


@transaction.atomic
def _draft_rest_of_order(order, *, by) -> Document | None:
    """A draft stock-out for what the order still has to deliver beyond its open drafts (none if
    nothing is left or no warehouse exists). The order's row lock serialises two drafters."""
    from saas_core.orders.models import Order

    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Order.Status.CONFIRMED:
        return None
    open_qty = dict(DocumentLine.objects.filter(document__order=order, document__status=Document.Status.DRAFT)
                    .values("order_line").annotate(q=Sum("quantity")).values_list("order_line", "q"))
    order_lines = list(order.lines.all())
    tracked = _tracked({ln.product_id for ln in order_lines})
    items = []
    for ln in order_lines:
        left = ln.quantity - ln.delivered - open_qty.get(ln.pk, 0)
        if ln.product_id in tracked and left > 0:
            items.append(LineIn(ln.product_id, left, order_line=ln.pk))
    warehouse = default_warehouse()
    if not items or warehouse is None:
        return None
    return create_document(by=by, kind=D.OUT, warehouse=warehouse, lines=items, order=order,
                           note=_("Order %(number)s") % {"number": order.number}, check_permission=False)


def draft_order_stock_outs(order, *, by) -> Document | None:
    """``crm_order_confirmed``: the order's stock-tracked lines become a draft 出库单 for the keeper."""
    return _draft_rest_of_order(order, by=by)


@transaction.atomic
def set_line_quantities(document: Document, quantities: dict[int, object], *, by) -> Document:
    """The keeper ships less than drafted (partial): line id -> quantity; 0 removes the line."""
    access.require_confirm(by, document.warehouse)
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status != Document.Status.DRAFT:
        raise ValidationError({"status": [_("Only a document awaiting confirmation can be changed.")]})
    errors: dict[str, list] = {}
    places = money.places().quantity
    for line in locked.lines.all():
        if line.pk not in quantities:
            continue
        key = f"lines.{line.position}.quantity"
        qty = lines_.read_number(quantities[line.pk], key, errors, places=places)
        if qty is None:
            continue
        if qty < 0 or qty > line.quantity and locked.order_id:
            errors.setdefault(key, []).append(_("Between 0 and %(n)s.") % {"n": posting.format_quantity(line.quantity)})
        elif qty == 0:
            line.delete()
        else:
            line.quantity = qty
            line.save(update_fields=["quantity"])
    if errors:
        raise ValidationError(errors)
    return locked
