"""Orders (ORD-01): the operations pages, the API, conversions and the demo all call.

Money is the shared line computation (saas_core.lines); each line also keeps the product's cost
price when it was saved, for the gross margin that only roles with the "see cost price" right
see. Shipping is one function, ``ship``: under a lock on the order (SELECT … FOR UPDATE) it checks
every quantity against what is still to deliver, writes the shipment and raises ``delivered``,
then derives the shipping status (and "completed") from the lines. Two people shipping the same
order at once are served one after the other, so delivered never exceeds ordered (the database's
check constraint is the last guard). Confirming an order tells the enabled modules
(``crm_order_confirmed``; the inventory module makes its stock-out documents from it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plugins import events
from saas_core import money
from saas_core.accounts.models import User
from saas_core.approvals import services as approvals
from saas_core.contracts import numbering
from saas_core.contracts.models import Contract
from saas_core.customers.models import Customer
from saas_core.lines import documents
from saas_core.lines import services as lines
from saas_core.lines.services import LineInput, price_lines
from saas_core.orders.models import Order, OrderLine, Shipment, ShipmentLine
from saas_core.org.access import require
from saas_core.org.scope import can_see, visible
from saas_core.products.models import PriceStrategy
from saas_core.records import batch
from saas_core.records.batch import BatchWords
from saas_core.tenancy import company_today

MODULE = "contracts"  # the permission module "Contracts and orders"
FIELDS = ("customer", "opportunity", "quote", "contract", "owner", "strategy", "ordered_on", "deliver_by",
          "receiver", "receiver_phone", "address", "terms")
TEXT_FIELDS = {"receiver": 100, "receiver_phone": 40, "address": 300, "terms": None}
S = Order.Status
SH = Order.Shipping


@dataclass(frozen=True)
class ShipInput:
    """One line of a shipment: which order line, how much (a string from a form is fine)."""

    order_line: OrderLine | int | None
    quantity: object


def orders_for(user: User) -> QuerySet[Order]:
    """The orders ``user``'s data scope shows."""
    return visible(Order.objects.all(), user)


def _check_header(order: Order, by: User, errors: dict) -> None:
    documents.check_parties(order, by, errors, no_customer=_("Choose the customer of this order."),
                            owner_out_of_scope=_("You may only give orders to people within your data scope."))
    if order.contract_id:
        contract = order.contract
        if order.customer_id and contract.customer_id != order.customer_id:
            errors["contract"] = [_("This contract belongs to another customer.")]
        elif not can_see(by, contract):
            errors["contract"] = [_("You may not see this contract.")]
    if not order.ordered_on:
        errors.setdefault("ordered_on", []).append(_("This field is required."))
    elif order.deliver_by and order.deliver_by < order.ordered_on:
        errors.setdefault("deliver_by", []).append(_("The delivery date cannot be before the order date."))
    for name, limit in TEXT_FIELDS.items():
        if limit and len(getattr(order, name) or "") > limit:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})


def _assign(order: Order, fields: Mapping) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown order fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(order, name, "" if value is None and name in TEXT_FIELDS else value)


def _save(order: Order, *, by: User, lines_in: Sequence[LineInput], discount, kept: set[int]) -> Order:
    errors: dict[str, list] = {}
    _check_header(order, by, errors)
    priced = price_lines(lines_in, strategy=order.strategy, discount=discount, kept_product_ids=kept, errors=errors)
    totals = priced.totals
    rows = priced.rows()
    places = money.places().price
    for row in rows:
        cost = row["product"].cost_price
        row["unit_cost"] = None if cost is None else money.round_price(cost, places)
    costs = [row["quantity"] * row["unit_cost"] for row in rows if row["unit_cost"] is not None]
    order.cost_total = money.round_price(sum(costs, Decimal(0)), places) if len(costs) == len(rows) else None
    order.subtotal, order.discount, order.total = totals.subtotal, totals.discount, totals.total
    if not order.number:
        order.number = numbering.next_number("order", company_today())
    order.save()
    OrderLine.objects.filter(order=order).delete()
    OrderLine.objects.bulk_create([OrderLine(order=order, **row) for row in rows])
    return order


@transaction.atomic
def create_order(*, by: User, lines: Sequence[LineInput], discount=0, check_permission: bool = True,
                 number: str = "", **fields) -> Order:
    """A new order awaiting confirmation, with its lines and the next number (or ``number``, an
    imported order's own)."""
    if check_permission:
        require(by, MODULE, "create")
    order = Order(created_by=by, status=S.DRAFT, number=(number or "").strip())
    fields.setdefault("owner", by)
    if not fields.get("ordered_on"):
        fields["ordered_on"] = company_today()
    if fields.get("strategy") is None:
        fields["strategy"] = PriceStrategy.objects.filter(key="deal").first()
    _assign(order, fields)
    return _save(order, by=by, lines_in=lines, discount=discount, kept=set())


def _locked(order: Order) -> Order:
    return documents.locked(Order, order.pk, gone=_("This order no longer exists (it may have been deleted)."))


@transaction.atomic
def update_order(order: Order, *, by: User, lines: Sequence[LineInput], discount=0, **fields) -> Order:
    """Change an order awaiting confirmation: its fields and all its lines."""
    require(by, MODULE, "edit")
    locked = _locked(order)
    if not locked.is_editable:
        raise ValidationError(_("Only an order awaiting confirmation can be changed; this one is “%(status)s”.")
                              % {"status": locked.get_status_display()})
    approvals.guard_edit(locked)
    kept = documents.kept_products(OrderLine, order=locked)
    _assign(locked, fields)
    _save(locked, by=by, lines_in=lines, discount=discount, kept=kept)
    documents.copy_into(order, locked)
    return locked


@transaction.atomic
def confirm(order: Order, *, by: User) -> Order:
    """Awaiting confirmation → confirmed; the enabled modules hear ``crm_order_confirmed`` after commit.
    Confirming twice (a double click, a replayed call) confirms once and tells the modules once."""
    require(by, MODULE, "edit")
    locked = _locked(order)
    if locked.status in (S.CONFIRMED, S.COMPLETED):
        documents.copy_into(order, locked)
        return locked
    if locked.status != S.DRAFT:
        raise ValidationError({"status": [_("An order that is “%(status)s” cannot be confirmed.")
                                          % {"status": locked.get_status_display()}]})
    try:
        approvals.require_approved(locked)
    except ValidationError as exc:
        raise ValidationError({"status": exc.messages}) from exc
    _confirm(locked, by)
    documents.copy_into(order, locked)
    return locked


def _confirm(order: Order, by: User | None) -> None:
    order.status, order.confirmed_at = S.CONFIRMED, timezone.now()
    order.save(update_fields=["status", "confirmed_at", "updated_at"])
    events.emit("crm_order_confirmed", order=order, user=by)


def confirm_approved(order: Order, by: User | None) -> None:
    """The approval of ``order`` ended approved: it is confirmed (and the modules told once). Called
    by the approval engine inside its transaction, under the approval's lock; the order's own lock
    makes a second call (it cannot happen, but a replay would) find it confirmed and do nothing."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status in (S.DRAFT, S.PENDING_APPROVAL):
        _confirm(locked, by)


@transaction.atomic
def cancel(order: Order, *, by: User) -> Order:
    """Cancel an order nothing of which has been shipped (void its shipments first)."""
    require(by, MODULE, "edit")
    locked = _locked(order)
    if locked.status == S.CANCELLED:
        return locked
    if locked.status not in (S.DRAFT, S.CONFIRMED) or locked.lines.filter(delivered__gt=0).exists():
        raise ValidationError({"status": [_("Only an order with nothing shipped can be cancelled; void its "
                                            "shipments first.")]})
    locked.status = S.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    documents.copy_into(order, locked)
    return locked


def _derive_shipping(order: Order) -> None:
    """The shipping status from the lines (and "completed" once everything is delivered)."""
    rows = OrderLine.objects.filter(order=order)
    if not rows.filter(delivered__lt=F("quantity")).exists():
        shipping = SH.SHIPPED
    elif rows.filter(delivered__gt=0).exists():
        shipping = SH.PARTLY_SHIPPED
    else:
        shipping = SH.NOT_SHIPPED
    status = order.status
    if status == S.CONFIRMED and shipping == SH.SHIPPED:
        status = S.COMPLETED
    elif status == S.COMPLETED and shipping != SH.SHIPPED:
        status = S.CONFIRMED
    order.shipping_status, order.status = shipping, status
    order.save(update_fields=["shipping_status", "status", "updated_at"])


def _clean_shipment(order: Order, items: Sequence[ShipInput]) -> list[tuple[OrderLine, Decimal]]:
    errors: dict[str, list] = {}
    by_id = {ln.pk: ln for ln in OrderLine.objects.select_for_update().filter(order=order).select_related("product")}
    places = money.places().quantity
    out: list[tuple[OrderLine, Decimal]] = []
    seen: set[int] = set()
    for i, item in enumerate(items):
        key = f"lines.{i}."
        line_id = getattr(item.order_line, "pk", item.order_line)
        line = by_id.get(line_id) if isinstance(line_id, int) else None
        if line is None:
            errors.setdefault(key + "order_line", []).append(_("Choose a line of this order."))
            continue
        if line.pk in seen:
            errors.setdefault(key + "order_line", []).append(_("This line is already in the shipment."))
            continue
        seen.add(line.pk)
        if lines.is_blank(item.quantity):
            continue
        quantity = lines.read_number(item.quantity, key + "quantity", errors, places=places)
        if quantity is None or quantity == 0:
            continue
        if quantity < 0:
            errors.setdefault(key + "quantity", []).append(_("The quantity cannot be negative."))
        elif quantity > line.remaining:
            errors.setdefault(key + "quantity", []).append(
                _("Only %(left)s of “%(product)s” are left to ship.") % {
                    "left": money.round_quantity(line.remaining, places), "product": line.product.name})
        else:
            out.append((line, quantity))
    if not out and not errors:
        errors["lines"] = [_("Enter the quantity shipped of at least one line.")]
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def ship(order: Order, items: Sequence[ShipInput], *, by: User, shipped_on: date | None = None, method=None,
         carrier: str = "", tracking_number: str = "", note: str = "", check_permission: bool = True) -> Shipment:
    """A shipment (发货单) of some of a confirmed order's lines; partial deliveries are fine.

    ``check_permission=False``: a module's own rule authorised it (the keeper confirming the
    order's stock-out, who need not edit orders)."""
    if check_permission:
        require(by, MODULE, "edit")
    locked = _locked(order)
    if locked.status not in (S.CONFIRMED,):
        raise ValidationError({"status": [_("Only a confirmed order can be shipped; this one is “%(status)s”.")
                                          % {"status": locked.get_status_display()}]})
    errors: dict[str, list] = {}
    if len(carrier or "") > 100:
        errors["carrier"] = [_("At most %(n)d characters.") % {"n": 100}]
    if len(tracking_number or "") > 60:
        errors["tracking_number"] = [_("At most %(n)d characters.") % {"n": 60}]
    shipped_on = shipped_on or company_today()
    if shipped_on < locked.ordered_on:
        errors["shipped_on"] = [_("The shipping date cannot be before the order date.")]
    try:
        chosen = _clean_shipment(locked, items)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    shipment = Shipment.objects.create(
        number=numbering.next_number("shipment", company_today()), order=locked, shipped_on=shipped_on,
        method=method, carrier=carrier or "", tracking_number=tracking_number or "", note=note or "", created_by=by)
    ShipmentLine.objects.bulk_create([ShipmentLine(shipment=shipment, order_line=ln, quantity=q) for ln, q in chosen])
    for line, quantity in chosen:
        OrderLine.objects.filter(pk=line.pk).update(delivered=F("delivered") + quantity)
    _derive_shipping(locked)
    documents.copy_into(order, locked)
    return shipment


@transaction.atomic
def void_shipment(shipment: Shipment, *, by: User) -> Shipment:
    """Take a shipment back (entered by mistake, returned): its quantities are to deliver again."""
    require(by, MODULE, "edit")
    order = _locked(shipment.order)
    current = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if current.voided_at is not None:
        return current
    for row in current.lines.all():
        OrderLine.objects.filter(pk=row.order_line_id).update(delivered=F("delivered") - row.quantity)
    current.voided_at = timezone.now()
    current.save(update_fields=["voided_at"])
    _derive_shipping(order)
    shipment.voided_at = current.voided_at
    return current


def from_quote(quote, *, by: User) -> Order:
    """Quote → order (one click): customer, opportunity, strategy, terms, discount and lines
    (discontinued products left out), linked to the quote. Runs inside ``run_conversion``."""
    require(by, MODULE, "create")
    kept = [ln for ln in lines.line_inputs(quote.lines.all()) if not ln.product.discontinued]
    return create_order(by=by, lines=kept, discount=quote.discount, check_permission=False, customer=quote.customer,
                        opportunity=quote.opportunity, quote=quote, strategy=quote.strategy, terms=quote.terms,
                        owner=quote.owner if quote.owner.is_active else by)


@transaction.atomic
def from_contract(contract: Contract, *, by: User) -> Order:
    """Contract → order: a signed (in progress) contract's customer, lines and discount, linked to it."""
    require(by, MODULE, "create")
    locked = documents.locked(Contract, contract.pk, gone=_("This contract no longer exists (it may have been "
                                                             "deleted)."))
    if locked.status != Contract.Status.IN_PROGRESS:
        raise ValidationError({"status": [_("Only a contract in progress can be turned into an order.")]})
    kept = [ln for ln in lines.line_inputs(locked.lines.all()) if not ln.product.discontinued]
    return create_order(by=by, lines=kept, discount=locked.discount, check_permission=False,
                        customer=locked.customer, opportunity=locked.opportunity, quote=locked.quote, contract=locked,
                        strategy=locked.strategy, terms=locked.terms,
                        owner=locked.owner if locked.owner.is_active else by)


def batch_words() -> BatchWords:
    """What the batch actions and the transfer say about orders, in the current language."""
    return BatchWords(
        none_ticked=_("Tick at least one order first."),
        no_action=_("Choose what to do with the ticked orders."),
        none_chosen=_("Choose at least one order."),
        outside_scope=_("You may only transfer orders within your data scope."),
        transferred=lambda n: ngettext("%(count)d order transferred.", "%(count)d orders transferred.", n)
        % {"count": n},
        binned=lambda n: ngettext("%(count)d order moved to the recycle bin.",
                                  "%(count)d orders moved to the recycle bin.", n) % {"count": n},
    )


def transfer(orders: Iterable[Order], to_user: User, *, by: User) -> int:
    """Give orders (all within ``by``'s scope) to ``to_user``; all or nothing."""
    return batch.transfer(orders, to_user, by=by, module=MODULE, words=batch_words())


def last_prices(user: User, customer: Customer, product_ids: Iterable[int], *,
                exclude: int | None = None) -> dict[int, list[dict]]:
    """product id → this customer's last order prices (newest first, at most three)."""
    orders = orders_for(user).filter(customer=customer).exclude(status=S.CANCELLED)
    if exclude:
        orders = orders.exclude(pk=exclude)
    return lines.last_prices(OrderLine, orders, product_ids, document_field="order", date_field="ordered_on")


def open_to_ship(user: User) -> QuerySet[Order]:
    """Confirmed orders of the user's scope with something left to ship (the workbench's reminder)."""
    return orders_for(user).filter(status=S.CONFIRMED).filter(~Q(shipping_status=SH.SHIPPED))
