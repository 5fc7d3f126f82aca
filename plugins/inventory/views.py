"""Inventory pages (thin: the work is in ``services``/``posting``, the lists in ``queries``).

Another company's rows are not in this schema at all; a document outside a keeper's warehouses
is a 404 for them. Cost and value columns appear only with the "see cost price" right.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plugins.inventory import access, queries, services
from plugins.inventory.forms import (
    AssetsFilterForm,
    DocumentFilterForm,
    DocumentForm,
    LedgerFilterForm,
    LineFormSet,
    StockFilterForm,
    StockRuleForm,
    WarehouseForm,
)
from plugins.inventory.models import Document, Warehouse
from plugins.inventory.posting import format_quantity
from saas_core.imports.views import can_export
from saas_core.lines.forms import show_service_errors
from saas_core.org.access import is_boss, permission_required
from web.forms import add_service_errors
from web.pagination import PAGE_SIZES, paginate

MODULE = access.MODULE
NEW_KINDS = (Document.Kind.IN, Document.Kind.OUT, Document.Kind.STOCKTAKE, Document.Kind.TRANSFER)


def _filters(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)} if form.is_valid() else {}


def _listing(request, template: str, form, rows, **extra) -> HttpResponse:
    page, size = paginate(request, rows)
    return render(request, template, {"form": form, "page": page, "page_size": size, "page_sizes": PAGE_SIZES,
                                      "sees_cost": access.sees_cost(request.user), **extra})


@permission_required(MODULE, "view")
def stock(request: HttpRequest) -> HttpResponse:
    form = StockFilterForm(request.GET or None)
    return _listing(request, "inventory/stock.html", form, queries.stock(**_filters(form)))


@permission_required(MODULE, "view")
def assets(request: HttpRequest) -> HttpResponse:
    """The stock assets report: values, so only with the "see cost price" right."""
    if not access.sees_cost(request.user):
        raise PermissionDenied(_("The stock assets report shows costs: your role may not see cost prices."))
    form = AssetsFilterForm(request.GET or None)
    rows = queries.assets(warehouse=_filters(form).get("warehouse"))
    totals = {"quantity": sum((r["quantity"] for r in rows), 0), "value": sum((r["value"] for r in rows), 0)}
    return render(request, "inventory/assets.html", {"form": form, "rows": rows, "totals": totals})


@permission_required(MODULE, "view")
def ledger(request: HttpRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET or None)
    export_url = None
    if can_export(request.user, MODULE):
        query = request.GET.copy()
        query.pop("page", None)
        export_url = reverse("imports:export", args=["inventory_ledger"]) + (f"?{query.urlencode()}" if query else "")
    return _listing(request, "inventory/ledger.html", form, queries.ledger(**_filters(form)), export_url=export_url)


@permission_required(MODULE, "view")
def documents(request: HttpRequest) -> HttpResponse:
    form = DocumentFilterForm(request.GET or None)
    rows = queries.documents_for(request.user)
    filters = _filters(form)
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("warehouse"):
        rows = rows.filter(warehouse=filters["warehouse"])
    return _listing(request, "inventory/documents.html", form, rows, new_kinds=NEW_KINDS,
                    may_create=access.may(request.user, "create"))


@permission_required(MODULE, "create")
def document_new(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in NEW_KINDS:
        raise Http404
    form = DocumentForm(request.POST or None, kind=kind)
    lines = LineFormSet(request.POST or None, prefix="lines")
    whole: list[str] = []
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        try:
            if kind == Document.Kind.TRANSFER:
                doc = services.transfer(by=request.user, source=data["warehouse"], destination=data["to_warehouse"],
                                        lines=lines.inputs(), note=data.get("note", ""))
                messages.success(request, _("Transfer %(number)s posted.") % {"number": doc.number})
            else:
                doc = services.create_document(by=request.user, kind=kind, warehouse=data["warehouse"],
                                               lines=lines.inputs(), note=data.get("note", ""))
                messages.success(request, _("%(number)s saved; it awaits the keeper's confirmation.")
                                 % {"number": doc.number})
            return redirect(doc.get_absolute_url())
        except ValidationError as exc:
            whole = show_service_errors(form, lines, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
    return render(request, "inventory/document_form.html", {
        "form": form, "lines": lines, "whole": whole, "kind": kind, "kind_label": Document.Kind(kind).label,
        "with_cost": kind in (Document.Kind.IN,), "sees_cost": access.sees_cost(request.user),
    })


def _document_of(request: HttpRequest, pk: int) -> Document:
    return get_object_or_404(queries.documents_for(request.user), pk=pk)


@permission_required(MODULE, "view")
def document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document_of(request, pk)
    return render(request, "inventory/document.html", {
        "doc": doc, "lines": doc.lines.select_related("product"), "moves": doc.moves.select_related("warehouse", "product"),
        "may_confirm": doc.status == Document.Status.DRAFT and access.may_confirm(request.user, doc.warehouse),
        "sees_cost": access.sees_cost(request.user),
        "may_undo": doc.status == Document.Status.POSTED and is_boss(request.user),
    })


def act(request: HttpRequest, target, action, done: str) -> HttpResponse:
    """Run ``action()`` (a service call), say ``done`` (with the target's ``number``) or why not, and
    go back to the target's page."""
    try:
        action()
        messages.success(request, done % {"number": target.number})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    return redirect(target.get_absolute_url())


def edit_page(request: HttpRequest, form, save, *, saved: str, back: str, template: str, context: dict) -> HttpResponse:
    """A create/edit page: a valid form is handed to ``save(**cleaned_data)`` (the service), whose
    errors show on the fields."""
    if request.method == "POST" and form.is_valid():
        try:
            save(**form.cleaned_data)
            messages.success(request, saved)
            return redirect(back)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, template, {"form": form, **context})


@require_POST
@permission_required(MODULE, "edit")
def document_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document_of(request, pk)
    quantities = {int(k[4:]): v for k, v in request.POST.items() if k.startswith("qty-") and k[4:].isdigit()}

    def confirm() -> None:
        if quantities:
            services.set_line_quantities(doc, quantities, by=request.user)
        services.confirm(doc, by=request.user)

    return act(request, doc, confirm, _("%(number)s confirmed and posted."))


@require_POST
@permission_required(MODULE, "edit")
def document_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document_of(request, pk)
    return act(request, doc, lambda: services.cancel(doc, by=request.user), _("%(number)s cancelled."))


@require_POST
@permission_required(MODULE, "view")
def document_undo(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document_of(request, pk)
    return act(request, doc, lambda: services.undo(doc, by=request.user),
               _("%(number)s undone: its moves were reversed."))


@permission_required(MODULE, "create")
def transfer(request: HttpRequest) -> HttpResponse:
    return document_new(request, Document.Kind.TRANSFER)


@permission_required(MODULE, "view")
def warehouses(request: HttpRequest) -> HttpResponse:
    return render(request, "inventory/warehouses.html", {
        "warehouses": services.warehouses_for(request.user), "may_edit": access.may(request.user, "edit"),
        "may_create": access.may(request.user, "create"),
    })


@permission_required(MODULE, "view")
def warehouse_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    warehouse = get_object_or_404(Warehouse, pk=pk) if pk else None
    if not access.may(request.user, "edit" if warehouse else "create"):
        raise PermissionDenied(_("Your role may not change warehouses."))
    initial = {"code": warehouse.code, "name": warehouse.name, "address": warehouse.address, "active": warehouse.active,
               "keepers": list(warehouse.keepers.all())} if warehouse else None
    form = WarehouseForm(request.POST or None, initial=initial)
    return edit_page(request, form, lambda **data: services.save_warehouse(by=request.user, warehouse=warehouse, **data),
                     saved=_("Warehouse saved."), back=reverse("inventory:warehouses"),
                     template="inventory/warehouse_form.html", context={"warehouse": warehouse})


@permission_required(MODULE, "edit")
def stock_rule(request: HttpRequest, product_id: int) -> HttpResponse:
    """A product's stock rules (tracked, negative stock, min and max for the workbench's alerts)."""
    from saas_core.products.models import Product

    product = get_object_or_404(Product, pk=product_id)
    rule = getattr(product, "stock_rule", None)
    initial = {"tracked": rule.tracked, "allow_negative": rule.allow_negative,
               "min_quantity": "" if rule.min_quantity is None else format_quantity(rule.min_quantity),
               "max_quantity": "" if rule.max_quantity is None else format_quantity(rule.max_quantity)} \
        if rule else None
    form = StockRuleForm(request.POST or None, initial=initial)
    return edit_page(request, form, lambda **data: services.set_stock_rule(product, by=request.user, **data),
                     saved=_("Stock rules of %(product)s saved.") % {"product": product.name},
                     back=reverse("products:detail", args=[product.pk]), template="inventory/stock_rule.html",
                     context={"product": product})
