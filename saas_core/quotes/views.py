"""Quote pages (QUO-01): thin views over quotes.services and queries.

A quote outside the user's data scope (or another company's) is a 404; an action the role may
not take is a 403 naming it. The cost price is shown only with the "see cost price" right.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from saas_core.approvals import services as approvals
from saas_core.customers import access as customer_access
from saas_core.lines.views import DocumentPage, DocumentViews, lines_with_cost
from saas_core.org.access import can, permission_required
from saas_core.products.access import may_see_cost
from saas_core.quotes import conversions, queries, services
from saas_core.quotes.forms import QuoteForm
from saas_core.quotes.models import Quote

MODULE = "quotes"


def _page() -> DocumentPage:
    return DocumentPage(
        QuoteForm, services.create_quote, services.update_quote, "quotes/form.html", "quotes:detail", "quotes:list",
        saved=_("Quote %(number)s has been saved."), new_title=_("New quote"), edit_title=_("Edit quote %(number)s"))


def _locked(quote: Quote) -> str | None:
    if not quote.is_open:
        return _("An accepted, rejected or expired quote can no longer be changed; copy it instead.")
    try:
        approvals.guard_edit(quote)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


QUOTES = DocumentViews(
    module=MODULE, model=Quote, queries=queries, listing=queries.quote_list, list_template="quotes/list.html",
    select=("customer", "opportunity", "owner", "strategy"), scoped=services.quotes_for, words=services.batch_words,
     page=_page, prices=services.last_prices, delete_template="quotes/confirm_delete.html",
    deleted=lambda: _("Quote %(number)s moved to the recycle bin."), locked=_locked,
    form_extra=lambda quote: {"quote": quote},
)
_quote_or_404 = QUOTES.get_or_404
# The list (its batch transfer / recycle-bin actions), the forms, delete and the line editor's prices.
quote_list = QUOTES.list
quote_batch = QUOTES.batch
quote_create = QUOTES.create
quote_edit = QUOTES.edit
quote_delete = QUOTES.delete
last_prices = QUOTES.last_prices


# --- one quote ----------------------------------------------------------------------------------------


def _lines(quote: Quote, *, with_cost: bool) -> list:
    return lines_with_cost(quote, with_cost=with_cost)


@permission_required(MODULE, "view")
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    user = request.user
    see_cost = may_see_cost(user)
    can_edit = can(user, MODULE, "edit")
    locked = approvals.approval_state(quote) == approvals.PENDING
    return render(request, "quotes/detail.html", {
        "quote": quote, "lines": _lines(quote, with_cost=see_cost), "see_cost": see_cost,
        "can_edit": can_edit and quote.is_open and not locked, "can_change_status": can_edit,
        "next_statuses": [(s, Quote.Status(s).label) for s in services.TRANSITIONS.get(quote.status, ())]
        if can_edit else [],
        "can_copy": can(user, MODULE, "create"), "can_delete": can(user, MODULE, "delete"),
        "conversions": conversions.conversions_for(user) if quote.status == Quote.Status.ACCEPTED else [],
        "became": conversions.results_for(user, quote),
    })


@permission_required(MODULE, "view")
def quote_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable HTML with the company's name and logo; ``?prices=0`` leaves every amount out."""
    quote = _quote_or_404(request, pk)
    with_prices = request.GET.get("prices") != "0"
    tenant = getattr(request, "tenant", None)
    return render(request, "quotes/print.html", {
        "quote": quote, "lines": _lines(quote, with_cost=False), "with_prices": with_prices,
        "company": getattr(tenant, "name", ""), "has_logo": bool(getattr(tenant, "logo", None)),
    })


@permission_required(MODULE, "create")
@require_POST
def quote_copy(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    try:
        copy = services.copy_quote(quote, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("quotes:detail", pk=quote.pk)
    messages.success(request, _("Copied as draft %(number)s.") % {"number": copy.number})
    return redirect("quotes:edit", pk=copy.pk)


@permission_required(MODULE, "edit")
@require_POST
def quote_status(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    try:
        services.set_status(quote, request.POST.get("status", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The quote is now “%(status)s”.") % {"status": quote.get_status_display()})
    return redirect("quotes:detail", pk=quote.pk)


@permission_required(MODULE, "view")
@require_POST
def quote_convert(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    try:
        document = services.run_conversion(quote, key, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("quotes:detail", pk=quote.pk)
    return redirect(document.get_absolute_url())


# --- what the line editor asks --------------------------------------------------------------------


@permission_required(MODULE, "view")
@require_GET
def opportunity_choices(request: HttpRequest) -> JsonResponse:
    """The customer's opportunities the user sees (the form's opportunity list follows the customer)."""
    customer = customer_access.visible_customer_in_query(request)
    if customer is None:
        return JsonResponse({"results": []})
    rows = services.customer_opportunities(request.user, customer)[:100]
    return JsonResponse({"results": [{"id": o.pk, "text": o.subject} for o in rows]})
