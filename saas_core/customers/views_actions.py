"""Sharing, transfer and merge pages of customers (CUS-05, CUS-09): thin views over sharing.py and merge.py.

As in views.py, a customer the user may not see is a 404 (the same as an id of another
company), a customer they see but may not change is a 403 naming why, and every change is a
POST (CSRF-protected) reached through a confirmation page where it cannot be undone at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from saas_core.customers import access, sharing
from saas_core.customers import merge as merging
from saas_core.customers.action_forms import ShareForm, TransferForm
from saas_core.customers.models import Customer, CustomerShare
from saas_core.customers.panels import detail_url
from saas_core.customers.search import search_customers
from saas_core.customers.services import find_duplicates
from saas_core.customers.views import _back_to_list, _customer_or_404, _names, _render_detail, _require_edit, _selected
from saas_core.org.access import permission_required
from web.forms import add_service_errors

MERGE_CANDIDATES = 20


def _names_of(users) -> str:
    return get_text_list([str(u) for u in users], _("and"))


def _detail_url(customer: Customer, panel: str = "") -> str:
    return detail_url(customer.pk, panel)


# --- sharing ------------------------------------------------------------------------------------


@permission_required("customers", "view")
@require_POST
def customer_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share the customer with colleagues (the form of the "Shared with" panel)."""
    customer = _customer_or_404(request, pk)
    _require_edit(request, customer)
    form = ShareForm(request.POST, customer=customer, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = sharing.share(customer, data["users"], data["level"], form.expires_at(), by=request.user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "expires_at" in exc.error_dict:
                exc.error_dict["expires_on"] = exc.error_dict.pop("expires_at")
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(customer)s” is now shared with %(names)s.") % {
                "customer": customer.name, "names": _names_of(s.user for s in done)})
            return redirect(_detail_url(customer, "shares"))
    request.customer_forms = {"share": form}
    return _render_detail(request, customer, tab="basic")


@permission_required("customers", "view")
def customer_unshare(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    """Stop sharing with one colleague, after a confirmation; anyone may give up their own share."""
    customer = _customer_or_404(request, pk)
    share = CustomerShare.objects.select_related("user").filter(customer=customer, user_id=user_id).first()
    if share is None:
        raise Http404
    own = share.user_id == request.user.pk
    if not own:
        _require_edit(request, customer)
    if request.method == "POST":
        sharing.unshare(customer, share.user, by=request.user)
        if own:
            messages.success(request, _("You no longer share “%(customer)s”.") % {"customer": customer.name})
            if not access.can_view(request.user, customer):
                return redirect("customers:list")
        else:
            messages.success(request, _("“%(customer)s” is no longer shared with %(user)s.") % {
                "customer": customer.name, "user": share.user})
        return redirect(_detail_url(customer, "shares"))
    return render(request, "customers/confirm_unshare.html", {"customer": customer, "share": share, "own": own})


# --- transfer -----------------------------------------------------------------------------------


def _transfer_refusal(user, customers: list[Customer]) -> str | None:
    """Why ``user`` may not give these customers away, or None (the service checks again)."""
    if message := sharing.pooled_refusal(customers):
        return message
    refused = [c for c in customers if not access.owns_in_scope(user, c)]
    if not refused:
        return None
    return ngettext(
        "Nothing can be transferred: %(names)s is only shared with you, and only its owner's side may give it away.",
        "Nothing can be transferred: %(names)s are only shared with you, and only their owners' side may give "
        "them away.", len(refused),
    ) % {"names": _names(refused)}


def _transfer(request: HttpRequest, customers: list[Customer], *, back: str, single: Customer | None) -> HttpResponse:
    """Choose the new owner, confirm (how many move), then transfer them all or none."""
    user = request.user
    form = TransferForm(request.POST if "to_user" in request.POST else None)
    context = {"customers": customers, "form": form, "back": back, "single": single,
               "refusal": _transfer_refusal(user, customers)}
    if context["refusal"] or not form.is_valid():
        return render(request, "customers/transfer.html", context)
    to_user = form.cleaned_data["to_user"]
    moving = [c for c in customers if c.owner_id != to_user.pk]
    if request.POST.get("confirm") != "1":
        context.update(confirm=True, to_user=to_user, moving=moving, staying=len(customers) - len(moving))
        return render(request, "customers/transfer.html", context)
    try:
        count = sharing.transfer(customers, to_user, by=user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
        return render(request, "customers/transfer.html", context)
    messages.success(request, ngettext(
        "%(count)d customer now belongs to %(user)s.", "%(count)d customers now belong to %(user)s.", count,
    ) % {"count": count, "user": to_user})
    if single is not None and access.can_view(user, Customer.objects.get(pk=single.pk)):
        return redirect(_detail_url(single))
    return redirect(back if single is None else reverse("customers:list"))


@permission_required("customers", "edit")
def customer_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """The 360° view's "Transfer" action: one customer to a new owner."""
    customer = _customer_or_404(request, pk)
    refusal = _transfer_refusal(request.user, [customer])
    if refusal:
        raise PermissionDenied(refusal)
    return _transfer(request, [customer], back=_detail_url(customer), single=customer)


@permission_required("customers", "edit")
@require_POST
def batch_transfer(request: HttpRequest) -> HttpResponse:
    """The list's batch form: the ticked customers to a new owner."""
    back = _back_to_list(request)
    customers = _selected(request)
    if not customers:
        messages.error(request, _("Tick at least one customer first."))
        return redirect(back)
    return _transfer(request, customers, back=back, single=None)


# --- merge --------------------------------------------------------------------------------------


def _merge_candidates(request: HttpRequest, customer: Customer, query: str) -> list[Customer]:
    """Customers the user may change, other than ``customer``: those matching ``query`` (name,
    pinyin, number, phone), or without a query the likely duplicates (same name or phone)."""
    editable = access.editable(Customer.objects.exclude(pk=customer.pk), request.user).select_related("owner")
    if query:
        found = search_customers(editable, query)
    else:
        phones = (customer.phone, customer.fax, *customer.contacts.values_list("mobile", flat=True)[:5])
        ids = [d.customer_id for d in find_duplicates(name=customer.name, phones=phones, exclude=customer.pk)]
        found = editable.filter(pk__in=ids)
    return list(found.order_by("name", "pk")[:MERGE_CANDIDATES])


@permission_required("customers", "edit")
def customer_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """"Merge into…": find the customer that survives (this one goes to the recycle bin)."""
    customer = _customer_or_404(request, pk)
    _require_edit(request, customer)
    query = (request.GET.get("q") or "").strip()[:100]
    return render(request, "customers/merge_pick.html", {
        "customer": customer, "q": query, "candidates": _merge_candidates(request, customer, query),
    })


@permission_required("customers", "edit")
def customer_merge_confirm(request: HttpRequest, pk: int, survivor_pk: int) -> HttpResponse:
    """What moves to the survivor; on POST, merge and go to the survivor."""
    customer = _customer_or_404(request, pk)
    _require_edit(request, customer)
    survivor = _customer_or_404(request, survivor_pk)
    if survivor.pk == customer.pk:
        raise Http404
    if not access.can_edit(request.user, survivor):
        raise PermissionDenied(
            _("You may not change “%(customer)s”, so you cannot merge into it.") % {"customer": survivor}
        )
    if request.method == "POST":
        try:
            result = merging.merge(survivor, customer, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
            return redirect("customers:merge", pk=customer.pk)
        moved = ", ".join(f"{merging.describe(key)}: {n}" for key, n in result.moved.items())
        messages.success(request, (
            _("“%(merged)s” has been merged into “%(survivor)s” and moved to the recycle bin. Moved: %(moved)s.")
            if moved else _("“%(merged)s” has been merged into “%(survivor)s” and moved to the recycle bin.")
        ) % {"merged": customer.name, "survivor": survivor.name, "moved": moved})
        return redirect(_detail_url(survivor))
    plan = merging.preview(survivor, customer)
    return render(request, "customers/merge_confirm.html", {
        "customer": customer, "survivor": survivor,
        "moves": [(merging.describe(key), n) for key, n in plan.moves.items()],
        "kept": [(merging.describe(key), n) for key, n in plan.kept.items()],
        "filled": [Customer._meta.get_field(name).verbose_name for name in plan.filled],
    })
