"""Order pages (ORD-01): thin views over orders.services and queries.

An order outside the user's data scope (or another company's) is a 404; an action the role may not
take is a 403 naming it. Cost prices and the gross margin only with the "see cost price" right.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas_core.approvals import services as approvals
from saas_core.contracts.models import Contract
from saas_core.lines.views import DocumentPage, DocumentViews, lines_with_cost, sections
from saas_core.orders import queries, services
from saas_core.orders.forms import OrderForm, ShipmentForm
from saas_core.orders.models import Order, Shipment
from saas_core.org.access import can, permission_required
from saas_core.org.scope import can_see
from saas_core.products.access import may_see_cost
from web.forms import add_service_errors

MODULE = "contracts"


def _page() -> DocumentPage:
    return DocumentPage(
        OrderForm, services.create_order, services.update_order, "orders/form.html", "orders:detail", "orders:list",
        saved=_("Order %(number)s has been saved."), new_title=_("New order"), edit_title=_("Edit order %(number)s"))


def _locked(order: Order) -> str | None:
    if not order.is_editable:
        return _("Only an order awaiting confirmation can be changed; this one is “%(status)s”.") % {
            "status": order.get_status_display()}
    return None


ORDERS = DocumentViews(
    module=MODULE, model=Order, queries=queries, listing=queries.order_list, list_template="orders/list.html",
    select=("customer", "opportunity", "owner", "strategy", "quote", "contract"), export_key="orders",
    list_extra=lambda request: {"see_cost": may_see_cost(request.user)}, scoped=services.orders_for,
    words=services.batch_words, page=_page, prices=services.last_prices,
    delete_template="orders/confirm_delete.html", deleted=lambda: _("Order %(number)s moved to the recycle bin."),
    locked=_locked,
)
_order_or_404 = ORDERS.get_or_404
order_list = ORDERS.list
order_batch = ORDERS.batch
order_create = ORDERS.create
order_edit = ORDERS.edit
order_delete = ORDERS.delete
last_prices = ORDERS.last_prices


def _detail_context(request: HttpRequest, order: Order, ship_form: ShipmentForm | None = None) -> dict:
    user = request.user
    can_edit = can(user, MODULE, "edit")
    see_cost = may_see_cost(user)
    return {
        "order": order, "lines": lines_with_cost(order, with_cost=see_cost), "see_cost": see_cost,
        "can_edit": can_edit and order.is_editable, "can_confirm": can_edit and order.status == Order.Status.DRAFT
        and approvals.approval_state(order) in (approvals.NONE, approvals.APPROVED),
        "can_cancel": can_edit and order.status in (Order.Status.DRAFT, Order.Status.CONFIRMED)
        and order.shipping_status == Order.Shipping.NOT_SHIPPED,
        "can_ship": can_edit and order.can_ship, "can_delete": can(user, MODULE, "delete"),
        "can_void": can_edit and order.status in (Order.Status.CONFIRMED, Order.Status.COMPLETED),
        "ship_form": ship_form or (ShipmentForm(order=order) if can_edit and order.can_ship else None),
        "shipments": list(order.shipments.select_related("method").prefetch_related("lines__order_line__product")),
        "sections": sections(request, order),
    }


@permission_required(MODULE, "view")
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "orders/detail.html", _detail_context(request, _order_or_404(request, pk)))


def _act(request: HttpRequest, pk: int, operation, done: str) -> HttpResponse:
    order = _order_or_404(request, pk)
    try:
        operation(order, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"number": order.number})
    return redirect("orders:detail", pk=order.pk)


@permission_required(MODULE, "edit")
@require_POST
def order_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.confirm, _("Order %(number)s is confirmed."))


@permission_required(MODULE, "edit")
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.cancel, _("Order %(number)s is cancelled."))


@permission_required(MODULE, "edit")
@require_POST
def order_ship(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    form = ShipmentForm(request.POST, order=order)
    if form.is_valid():
        data = form.cleaned_data
        try:
            shipment = services.ship(order, form.ship_inputs(), by=request.user, shipped_on=data.get("shipped_on"),
                                     method=data.get("method"), carrier=data.get("carrier", ""),
                                     tracking_number=data.get("tracking_number", ""), note=data.get("note", ""))
        except ValidationError as exc:
            _show_ship_errors(form, exc)
        else:
            messages.success(request, _("Shipment %(number)s has been recorded.") % {"number": shipment.number})
            return redirect(reverse("orders:detail", args=[order.pk]) + "#shipments")
    return render(request, "orders/detail.html", _detail_context(request, order, form), status=400)


def _show_ship_errors(form: ShipmentForm, exc: ValidationError) -> None:
    """``lines.<i>.quantity`` of the service onto that line's input; the rest onto the form."""
    if not hasattr(exc, "error_dict"):
        add_service_errors(form, exc)
        return
    rest = {}
    for key, errors in exc.message_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(form.lines):
            form.add_error(f"ship_{form.lines[int(parts[1])].pk}", errors)
        else:
            rest[key] = errors
    if rest:
        add_service_errors(form, ValidationError(rest))


@permission_required(MODULE, "edit")
@require_POST
def shipment_void(request: HttpRequest, pk: int, shipment: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    row = Shipment.objects.filter(pk=shipment, order=order).first()
    if row is None:
        raise Http404
    services.void_shipment(row, by=request.user)
    messages.success(request, _("Shipment %(number)s is void; its quantities are to ship again.")
                     % {"number": row.number})
    return redirect(reverse("orders:detail", args=[order.pk]) + "#shipments")


@permission_required(MODULE, "create")
@require_POST
def from_contract(request: HttpRequest, pk: int) -> HttpResponse:
    """Contract → order in one click."""
    contract = Contract.objects.filter(pk=pk).first()
    if contract is None or not can_see(request.user, contract):
        raise Http404
    try:
        order = services.from_contract(contract, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("contracts:detail", pk=contract.pk)
    messages.success(request, _("Order %(number)s has been made from the contract.") % {"number": order.number})
    return redirect("orders:detail", pk=order.pk)

