"""Purchasing pages (thin: the work is in ``purchasing``): suppliers, purchase orders with the
supplier's past prices, receipts for the keeper, the purchase summary."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from plugins.inventory import access, purchasing
from plugins.inventory.models import PurchaseOrder, Supplier, Warehouse
from plugins.inventory.views import act, edit_page
from saas_core.lines.forms import show_service_errors
from saas_core.org.access import can, permission_required
from web.pagination import PAGE_SIZES, paginate
from web.pickers import ProductPickerField

MODULE = purchasing.MODULE
NUMBER = {"inputmode": "decimal", "autocomplete": "off"}


class SupplierForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Supplier name"), max_length=200)
    code = forms.CharField(label=gettext_lazy("Supplier code"), max_length=30, required=False)
    contact_name = forms.CharField(label=gettext_lazy("Contact"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=300, required=False)
    remark = forms.CharField(label=pgettext_lazy("remark", "Note"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=gettext_lazy("In use"), required=False, initial=True)


class PurchaseForm(forms.Form):
    supplier = forms.ModelChoiceField(label=gettext_lazy("Supplier"), queryset=Supplier.objects.filter(active=True))
    warehouse = forms.ModelChoiceField(label=gettext_lazy("Receiving warehouse"),
                                       queryset=Warehouse.objects.filter(active=True))
    note = forms.CharField(label=pgettext_lazy("remark", "Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class PurchaseLineForm(forms.Form):
    product = ProductPickerField(label=gettext_lazy("Product"))
    quantity = forms.CharField(label=gettext_lazy("Quantity"), widget=forms.TextInput(attrs=NUMBER))
    unit_price = forms.CharField(label=gettext_lazy("Unit price"), widget=forms.TextInput(attrs=NUMBER))


class BasePurchaseLines(forms.BaseFormSet):
    def kept_forms(self) -> list[forms.Form]:
        return [f for f in self.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]

    def inputs(self) -> list[purchasing.PurchaseLineIn]:
        return [purchasing.PurchaseLineIn(d.get("product"), d.get("quantity"), d.get("unit_price"))
                for d in (f.cleaned_data for f in self.kept_forms())]


PurchaseLines = forms.formset_factory(PurchaseLineForm, formset=BasePurchaseLines, extra=3, can_delete=True,
                                      max_num=500, validate_max=True)


@permission_required(MODULE, "view")
def suppliers(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()
    rows = Supplier.objects.all()
    if q:
        rows = rows.filter(name__icontains=q) | rows.filter(code__istartswith=q)
    page, size = paginate(request, rows.order_by("name", "id"))
    return render(request, "inventory/suppliers.html", {"page": page, "page_size": size, "page_sizes": PAGE_SIZES,
                                                        "q": q, "may_edit": can(request.user, MODULE, "edit"),
                                                        "may_create": can(request.user, MODULE, "create")})


@permission_required(MODULE, "view")
def supplier_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=pk) if pk else None
    if not can(request.user, MODULE, "edit" if supplier else "create"):
        raise PermissionDenied(_("Your role may not change suppliers."))
    initial = {f: getattr(supplier, f) for f in SupplierForm.base_fields} if supplier else None
    form = SupplierForm(request.POST or None, initial=initial)
    return edit_page(request, form, lambda **data: purchasing.save_supplier(by=request.user, supplier=supplier, **data),
                     saved=_("Supplier saved."), back=reverse("inventory:suppliers"),
                     template="inventory/supplier_form.html", context={"supplier": supplier})


@permission_required(MODULE, "view")
def purchases(request: HttpRequest) -> HttpResponse:
    rows = purchasing.purchase_orders_for(request.user)
    status = request.GET.get("status")
    if status in PurchaseOrder.Status.values:
        rows = rows.filter(status=status)
    page, size = paginate(request, rows)
    return render(request, "inventory/purchases.html", {
        "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "statuses": PurchaseOrder.Status.choices,
        "status": status, "may_create": can(request.user, MODULE, "create")})


@permission_required(MODULE, "create")
def purchase_new(request: HttpRequest) -> HttpResponse:
    form = PurchaseForm(request.POST or None)
    lines = PurchaseLines(request.POST or None, prefix="lines")
    whole: list[str] = []
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            order = purchasing.create_purchase_order(by=request.user, lines=lines.inputs(), **form.cleaned_data)
            messages.success(request, _("Purchase order %(number)s saved.") % {"number": order.number})
            return redirect(order.get_absolute_url())
        except ValidationError as exc:
            whole = show_service_errors(form, lines, exc)
    return render(request, "inventory/purchase_form.html", {"form": form, "lines": lines, "whole": whole})


@permission_required(MODULE, "view")
def purchase(request: HttpRequest, pk: int) -> HttpResponse:
    from saas_core.approvals import services as approvals

    order = get_object_or_404(purchasing.purchase_orders_for(request.user), pk=pk)
    rows = list(order.lines.select_related("product"))
    prices = purchasing.past_prices(order.supplier, [r.product_id for r in rows], exclude=order.pk)
    for row in rows:
        row.past = prices.get(row.product_id, [])
    return render(request, "inventory/purchase.html", {
        "order": order, "rows": rows, "receipts": order.receipts.order_by("-created_at"),
        "may_edit": can(request.user, MODULE, "edit"), "approval": approvals.approval_state(order),
        "sees_cost": access.sees_cost(request.user),
    })


def _act(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    order = get_object_or_404(purchasing.purchase_orders_for(request.user), pk=pk)
    return act(request, order, lambda: action(order), done)


@require_POST
@permission_required(MODULE, "edit")
def purchase_place(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda o: purchasing.place(o, by=request.user), _("%(number)s placed with the supplier."))


@require_POST
@permission_required(MODULE, "edit")
def purchase_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda o: purchasing.cancel(o, by=request.user), _("%(number)s cancelled."))


@require_POST
@permission_required(MODULE, "edit")
def purchase_receive(request: HttpRequest, pk: int) -> HttpResponse:
    quantities = {int(k[4:]): v for k, v in request.POST.items() if k.startswith("qty-") and k[4:].isdigit()}
    return _act(request, pk, lambda o: purchasing.receive(o, quantities, by=request.user),
                _("A receipt for %(number)s was drafted: it awaits the keeper's confirmation."))


@permission_required(MODULE, "view")
def purchase_summary(request: HttpRequest) -> HttpResponse:
    rows = purchasing.summary()
    total = sum((r["amount"] or 0 for r in rows), 0)
    return render(request, "inventory/purchase_summary.html", {"rows": rows, "total": total,
                                                               "sees_cost": access.sees_cost(request.user)})
