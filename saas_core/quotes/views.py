"""Quote pages (QUO-01): thin views over quotes.services and queries.

A quote outside the user's data scope (or another company's) is a 404; an action the role may
not take is a 403 naming it. The cost price is shown only with the "see cost price" right.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from saas_core.approvals import services as approvals
from saas_core.customers import access as customer_access
from saas_core.lines.views import (
    DocumentPage,
    document_form_page,
    last_prices_answer,
    lines_with_cost,
    trash_page,
)
from saas_core.org.access import can, permission_required
from saas_core.org.scope import can_see
from saas_core.products.access import may_see_cost
from saas_core.quotes import conversions, queries, services
from saas_core.quotes.forms import QuoteForm
from saas_core.quotes.models import Quote
from saas_core.records.batch import batch_view
from saas_core.records.lists import record_list
from web.navigation import next_url

MODULE = "quotes"


def _quote_or_404(request: HttpRequest, pk: int) -> Quote:
    quote = Quote.objects.select_related("customer", "opportunity", "owner", "strategy").filter(pk=pk).first()
    if quote is None or not can_see(request.user, quote):
        raise Http404
    return quote


# --- the list -----------------------------------------------------------------------------------


@permission_required(MODULE, "view")
def quote_list(request: HttpRequest) -> HttpResponse:
    return record_list(request, module=MODULE, queries=queries, listing=queries.quote_list,
                       template="quotes/list.html")


@permission_required(MODULE, "view")
@require_POST
def quote_batch(request: HttpRequest) -> HttpResponse:
    """Transfer the ticked quotes to someone, or move them to the recycle bin."""
    return batch_view(request, module=MODULE, queryset=services.quotes_for(request.user), words=services.batch_words(),
                      back=next_url(request, reverse("quotes:list")))


# --- one quote ----------------------------------------------------------------------------------------


def _lines(quote: Quote, *, with_cost: bool) -> list:
    return lines_with_cost(quote, with_cost=with_cost)


@permission_required(MODULE, "view")
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    user = request.user
    see_cost = may_see_cost(user)
    can_edit = can(user, MODULE, "edit")
    standing = approvals.standing(quote)  # the approval panel reads it too
    locked = standing.state == approvals.PENDING
    return render(request, "quotes/detail.html", {
        "quote": quote, "lines": _lines(quote, with_cost=see_cost), "see_cost": see_cost,
        "can_edit": can_edit and quote.is_open and not locked, "can_change_status": can_edit,
        "next_statuses": [(s, Quote.Status(s).label) for s in services.TRANSITIONS.get(quote.status, ())]
        if can_edit else [],
        "can_copy": can(user, MODULE, "create"), "can_delete": can(user, MODULE, "delete"),
        "conversions": conversions.conversions_for(user) if quote.status == Quote.Status.ACCEPTED else [],
        "approval_standing": standing,
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


def _page() -> DocumentPage:
    return DocumentPage(
        QuoteForm, services.create_quote, services.update_quote, "quotes/form.html", "quotes:detail", "quotes:list",
        saved=_("Quote %(number)s has been saved."), new_title=_("New quote"), edit_title=_("Edit quote %(number)s"))


def _form_page(request: HttpRequest, quote: Quote | None) -> HttpResponse:
    return document_form_page(request, _page(), quote, {"quote": quote})


@permission_required(MODULE, "create")
def quote_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@permission_required(MODULE, "edit")
def quote_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    if not quote.is_open:
        messages.error(request, _("An accepted, rejected or expired quote can no longer be changed; copy it instead."))
        return redirect("quotes:detail", pk=quote.pk)
    try:
        approvals.guard_edit(quote)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("quotes:detail", pk=quote.pk)
    return _form_page(request, quote)


@permission_required(MODULE, "view")
def quote_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return trash_page(request, _quote_or_404(request, pk), module=MODULE, list_url="quotes:list",
                      done=_("Quote %(number)s moved to the recycle bin."), template="quotes/confirm_delete.html")


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
def last_prices(request: HttpRequest) -> JsonResponse:
    """The customer's last quoted prices for the given products (``?customer=&product=&product=``)."""
    return last_prices_answer(request, services.last_prices)


@permission_required(MODULE, "view")
@require_GET
def opportunity_choices(request: HttpRequest) -> JsonResponse:
    """The customer's opportunities the user sees (the form's opportunity list follows the customer)."""
    customer = customer_access.visible_customer_in_query(request)
    if customer is None:
        return JsonResponse({"results": []})
    rows = services.customer_opportunities(request.user, customer)[:100]
    return JsonResponse({"results": [{"id": o.pk, "text": o.subject} for o in rows]})
