"""Purchasing (INV-02): suppliers, purchase orders, partial receipts confirmed by the keeper, the summary.

A purchase order is drafted by a purchaser (lines with the supplier's past prices beside them),
then placed (through the approval engine where the company configured a flow for purchase
orders). Receiving drafts a stock-in (入库单) of some of its lines for the keeper of its
warehouse; the keeper's confirmation posts the stock with the one posting service and, in the same
transaction and under a lock on the purchase order, raises each line's received quantity (never
beyond what was ordered: the database refuses it too), derives the order's status and flags the
products "needs cost review".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from plugins.inventory import posting, services
from plugins.inventory.models import Document, DocumentLine, Move, PurchaseLine, PurchaseOrder, Supplier, Warehouse
from saas_core import money
from saas_core.lines import services as lines_
from saas_core.org.access import require
from saas_core.products.models import Product
from saas_core.tenancy import company_today

MODULE = "purchasing"
S = PurchaseOrder.Status
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PurchaseLineIn:
    product: Product | int | None
    quantity: object
    unit_price: object


# --- suppliers -----------------------------------------------------------------------------------


@transaction.atomic
def save_supplier(*, by, supplier: Supplier | None = None, name: str, code: str = "", contact_name: str = "",
                  phone: str = "", address: str = "", remark: str = "", active: bool = True) -> Supplier:
    require(by, MODULE, "create" if supplier is None else "edit")
    values = {"name": (name or "").strip(), "code": (code or "").strip(), "contact_name": (contact_name or "").strip(),
              "phone": (phone or "").strip(), "address": (address or "").strip(), "remark": remark or ""}
    errors: dict[str, list] = {}
    if not values["name"]:
        errors["name"] = [_("This field is required.")]
    for field, limit in (("name", 200), ("code", 30), ("contact_name", 100), ("phone", 40), ("address", 300)):
        if len(values[field]) > limit:
            errors.setdefault(field, []).append(_("At most %(n)d characters.") % {"n": limit})
    if values["name"] and Supplier.objects.exclude(pk=getattr(supplier, "pk", None)).filter(name=values["name"]).exists():
        errors.setdefault("name", []).append(_("Another supplier has this name."))
    if errors:
        raise ValidationError(errors)
    supplier = supplier or Supplier()
    for field, value in values.items():
        setattr(supplier, field, value)
    supplier.active = active
    supplier.save()
    return supplier


# --- purchase orders --------------------------------------------------------------------------------


def _clean_lines(items: Sequence[PurchaseLineIn], errors: dict) -> list[PurchaseLine]:
    places = money.places()
    rows = []
    for n, item, product in services.line_products(items, errors):
        key = f"lines.{n}."
        quantity = lines_.read_number(item.quantity, key + "quantity", errors, places=places.quantity)
        price = lines_.read_number(item.unit_price, key + "unit_price", errors, places=places.price)
        if quantity is None or price is None:
            continue
        if quantity <= 0:
            errors.setdefault(key + "quantity", []).append(_("The quantity must be more than 0."))
        elif price < 0:
            errors.setdefault(key + "unit_price", []).append(_("The price cannot be negative."))
        else:
            rows.append(PurchaseLine(position=n, product=product, quantity=quantity, unit_price=price,
                                     total=(quantity * price).quantize(CENT, ROUND_HALF_UP)))
    if not items and not errors:
        errors["lines"] = [_("Add at least one line.")]
    return rows


@transaction.atomic
def create_purchase_order(*, by, supplier: Supplier | None, warehouse: Warehouse | None,
                          lines: Sequence[PurchaseLineIn], note: str = "", ordered_on=None) -> PurchaseOrder:
    """A draft purchase order with its lines and total."""
    require(by, MODULE, "create")
    errors: dict[str, list] = {}
    if supplier is None:
        errors["supplier"] = [_("Choose the supplier.")]
    if warehouse is None:
        errors["warehouse"] = [_("Choose the warehouse the goods are received in.")]
    rows = _clean_lines(lines, errors)
    if errors:
        raise ValidationError(errors)
    order = PurchaseOrder.objects.create(number=f"~{uuid.uuid4().hex}", supplier=supplier, warehouse=warehouse, owner=by,
                                         note=note or "", ordered_on=ordered_on or company_today(),
                                         total=sum((r.total for r in rows), Decimal(0)))
    order.number = f"CG{order.ordered_on:%Y%m%d}-{order.pk:05d}"
    order.save(update_fields=["number"])
    for row in rows:
        row.order = order
    PurchaseLine.objects.bulk_create(rows)
    return order


def _locked(order: PurchaseOrder) -> PurchaseOrder:
    locked = PurchaseOrder.objects.select_for_update().filter(pk=order.pk).first()
    if locked is None:
        raise ValidationError(_("This purchase order no longer exists."))
    return locked


@transaction.atomic
def place(order: PurchaseOrder, *, by) -> PurchaseOrder:
    """Draft → ordered, once any approval the company's flow asks for is given."""
    from saas_core.approvals import services as approvals

    require(by, MODULE, "edit")
    locked = _locked(order)
    if locked.status != S.DRAFT:
        return locked
    approvals.require_approved(locked)
    locked.status = S.ORDERED
    locked.save(update_fields=["status"])
    return locked


@transaction.atomic
def cancel(order: PurchaseOrder, *, by) -> PurchaseOrder:
    require(by, MODULE, "edit")
    locked = _locked(order)
    if locked.lines.filter(received__gt=0).exists() or locked.receipts.filter(status=Document.Status.DRAFT).exists():
        raise ValidationError({"status": [_("Goods have been received (or a receipt awaits the keeper): this purchase "
                                            "order cannot be cancelled.")]})
    locked.status = S.CANCELLED
    locked.save(update_fields=["status"])
    return locked


def _open_receipt_quantities(order: PurchaseOrder) -> dict[int, Decimal]:
    return dict(DocumentLine.objects.filter(document__purchase_order=order, document__status=Document.Status.DRAFT)
                .values("purchase_line").annotate(q=Sum("quantity")).values_list("purchase_line", "q"))


@transaction.atomic
def receive(order: PurchaseOrder, quantities: dict[int, object], *, by) -> Document:
    """A draft stock-in (入库单) of some of the order's lines for the keeper of its warehouse."""
    require(by, MODULE, "edit")
    locked = _locked(order)
    if locked.status not in (S.ORDERED, S.PARTLY_RECEIVED):
        raise ValidationError({"status": [_("Only a placed purchase order can be received; this one is “%(status)s”.")
                                          % {"status": locked.get_status_display()}]})
    pending = _open_receipt_quantities(locked)
    errors: dict[str, list] = {}
    items = []
    places = money.places().quantity
    for n, line in enumerate(locked.lines.select_related("product")):
        raw = quantities.get(line.pk)
        if lines_.is_blank(raw):
            continue
        key = f"lines.{n}.quantity"
        qty = lines_.read_number(raw, key, errors, places=places)
        if qty is None or qty == 0:
            continue
        left = line.quantity - line.received - pending.get(line.pk, 0)
        if qty < 0 or qty > left:
            errors.setdefault(key, []).append(_("Only %(left)s of “%(product)s” are left to receive.") % {
                "left": posting.format_quantity(max(left, Decimal(0))), "product": line.product.name})
            continue
        items.append(services.LineIn(line.product, qty, line.unit_price, purchase_line=line.pk))
    if not items and not errors:
        errors["lines"] = [_("Enter the quantity received of at least one line.")]
    if errors:
        raise ValidationError(errors)
    return services.create_document(by=by, kind=Document.Kind.IN, warehouse=locked.warehouse, lines=items,
                                    purchase_order=locked, check_permission=False,
                                    note=_("Purchase order %(number)s") % {"number": locked.number})


def after_receipt(doc: Document, moves: list[Move]) -> None:
    """Inside the posting of a purchase receipt: received quantities, the order's status, cost review."""
    from saas_core.products import services as products

    order = _locked(doc.purchase_order)
    received = list(doc.lines.filter(purchase_line__isnull=False))
    for line in received:
        PurchaseLine.objects.filter(pk=line.purchase_line_id).update(received=F("received") + line.quantity)
    rows = PurchaseLine.objects.filter(order=order)
    if not rows.filter(received__lt=F("quantity")).exists():
        order.status = S.RECEIVED
    elif rows.filter(received__gt=0).exists():
        order.status = S.PARTLY_RECEIVED
    order.save(update_fields=["status"])
    for product in Product.objects.filter(pk__in={ln.product_id for ln in received}, needs_cost_review=False):
        products.update_product(product, by=doc.posted_by, check_permission=False, needs_cost_review=True)


def purchase_orders_for(user) -> QuerySet[PurchaseOrder]:
    return PurchaseOrder.objects.select_related("supplier", "warehouse", "owner")


def past_prices(supplier: Supplier, product_ids: Iterable[int], *, exclude: int | None = None) -> dict[int, list[dict]]:
    """product id -> this supplier's last prices (newest first, at most three)."""
    rows = (PurchaseLine.objects.filter(order__supplier=supplier, product_id__in=list(product_ids))
            .exclude(order__status=S.CANCELLED).exclude(order_id=exclude)
            .order_by("product_id", "-order__ordered_on", "-id")
            .values("product_id", "unit_price", "order__ordered_on", "order__number"))
    out: dict[int, list[dict]] = {}
    for row in rows:
        kept = out.setdefault(row["product_id"], [])
        if len(kept) < 3:
            kept.append({"price": row["unit_price"], "on": row["order__ordered_on"], "number": row["order__number"]})
    return out


def summary(*, start=None, end=None, supplier=None) -> list[dict]:
    """Purchases received, by month, supplier and product category: quantity and amount (at the
    purchase price), from the receipts' posted lines."""
    rows = DocumentLine.objects.filter(document__purchase_order__isnull=False, document__status=Document.Status.POSTED)
    if start:
        rows = rows.filter(document__posted_at__date__gte=start)
    if end:
        rows = rows.filter(document__posted_at__date__lte=end)
    if supplier is not None:
        rows = rows.filter(document__purchase_order__supplier=supplier)
    grouped = (rows.annotate(month=TruncMonth("document__posted_at"))
               .values("month", "document__purchase_order__supplier__name", "product__category__name")
               .annotate(received=Sum("quantity"),
                         amount=Sum(F("quantity") * F("unit_cost"),
                                    output_field=DecimalField(max_digits=30, decimal_places=6)))
               .order_by("-month", "document__purchase_order__supplier__name", "product__category__name")
               .filter(~Q(received=0)))
    # "received", not "quantity": an annotation named like the field would stand for it in F("quantity").
    return [{**row, "quantity": row.pop("received")} for row in grouped]
