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

from saas_core.accounts.models import User
from saas_core.customers import access as customer_access
from saas_core.money import places, round_price
from saas_core.org.access import can, permission_required, require
from saas_core.org.scope import can_see
from saas_core.products.access import may_see_cost
from saas_core.products.models import PriceStrategy, Product
from saas_core.quotes import conversions, queries, services
from saas_core.quotes.forms import LineFormSet, QuoteForm
from saas_core.quotes.models import Quote
from saas_core.records import bin as recycle_bin
from saas_core.records.batch import batch_view
from web.forms import add_service_errors
from web.navigation import export_url, next_url
from web.pagination import PAGE_SIZES, paginate

MODULE = "quotes"
BATCH_MAX = 500


def _quote_or_404(request: HttpRequest, pk: int) -> Quote:
    quote = Quote.objects.select_related("customer", "opportunity", "owner", "strategy").filter(pk=pk).first()
    if quote is None or not can_see(request.user, quote):
        raise Http404
    return quote


# --- the list -----------------------------------------------------------------------------------


@permission_required(MODULE, "view")
def quote_list(request: HttpRequest) -> HttpResponse:
    form, filters = queries.read_filters(request.GET, request.user)
    sort = request.GET.get("sort") if request.GET.get("sort") in queries.SORTS else queries.DEFAULT_SORT
    rows = queries.quote_list(request.user, filters, sort).select_related("customer", "owner")
    page, size = paginate(request, rows)
    user = request.user
    return render(request, "quotes/list.html", {
        "form": form, "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "sort": sort,
        "can_create": can(user, MODULE, "create"), "can_edit": can(user, MODULE, "edit"),
        "can_delete": can(user, MODULE, "delete"), "export_url": export_url(request, MODULE),
        "batch_people": [(u.pk, str(u)) for u in User.objects.filter(is_active=True).order_by("name", "username")],
        "current_url": request.get_full_path(),
    })


@permission_required(MODULE, "view")
@require_POST
def quote_batch(request: HttpRequest) -> HttpResponse:
    """Transfer the ticked quotes to someone, or move them to the recycle bin."""
    return batch_view(request, module=MODULE, queryset=services.quotes_for(request.user),
                      words=services.batch_words(), back=next_url(request, reverse("quotes:list")))


# --- one quote ----------------------------------------------------------------------------------------


def _lines(quote: Quote, *, with_cost: bool) -> list:
    lines = list(quote.lines.select_related("product"))
    price_places = places().price
    for line in lines:
        line.cost = round_price(line.product.cost_price, price_places) \
            if with_cost and line.product.cost_price is not None else None
    return lines


@permission_required(MODULE, "view")
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    user = request.user
    see_cost = may_see_cost(user)
    can_edit = can(user, MODULE, "edit")
    return render(request, "quotes/detail.html", {
        "quote": quote, "lines": _lines(quote, with_cost=see_cost), "see_cost": see_cost,
        "can_edit": can_edit and quote.is_open, "can_change_status": can_edit,
        "next_statuses": [(s, Quote.Status(s).label) for s in services.TRANSITIONS.get(quote.status, ())]
        if can_edit else [],
        "can_copy": can(user, MODULE, "create"), "can_delete": can(user, MODULE, "delete"),
        "conversions": conversions.conversions_for(user) if quote.status == Quote.Status.ACCEPTED else [],
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


def _line_initial(quote: Quote) -> list[dict]:
    return [{"product": ln.product_id, "quantity": ln.quantity.normalize(), "unit_price": ln.unit_price.normalize(),
             "discount_percent": ln.discount_percent.normalize()} for ln in quote.lines.all()]


def _map_line_errors(formset, exc: ValidationError) -> ValidationError | None:
    """Put the service's "lines.<i>.<field>" errors on the line forms; return the rest."""
    if not hasattr(exc, "error_dict"):
        return exc
    kept = formset.kept_forms()
    rest: dict = {}
    for key, errors in exc.message_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(kept):
            kept[int(parts[1])].add_error(parts[2], errors)
        else:
            rest[key] = errors
    return ValidationError(rest) if rest else None


def _form_page(request: HttpRequest, quote: Quote | None) -> HttpResponse:
    customer = customer_access.customer_in_query(request) if quote is None else None
    form = QuoteForm(request.POST or None, instance=quote, user=request.user, customer=customer)
    if customer is not None and request.GET.get("opportunity", "").isdigit():
        form.initial["opportunity"] = int(request.GET["opportunity"])
    formset = LineFormSet(request.POST or None, prefix="lines",
                          initial=_line_initial(quote) if quote is not None and request.method != "POST" else None)
    line_errors: list[str] = []
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        fields = form.service_fields()
        discount = form.cleaned_data.get("discount")
        try:
            if quote is None:
                saved = services.create_quote(by=request.user, lines=formset.inputs(), discount=discount, **fields)
            else:
                saved = services.update_quote(quote, by=request.user, lines=formset.inputs(), discount=discount,
                                              **fields)
        except ValidationError as exc:
            rest = _map_line_errors(formset, exc)
            if rest is not None:
                if hasattr(rest, "error_dict") and "lines" in rest.error_dict:
                    line_errors = rest.message_dict.pop("lines")
                    rest = ValidationError({k: v for k, v in rest.message_dict.items() if k != "lines"}) \
                        if len(rest.message_dict) > 1 else None
                if rest is not None:
                    add_service_errors(form, rest)
        else:
            messages.success(request, _("Quote %(number)s has been saved.") % {"number": saved.number})
            return redirect(next_url(request, reverse("quotes:detail", args=[saved.pk])))
    fallback = reverse("quotes:detail", args=[quote.pk]) if quote else reverse("quotes:list")
    return render(request, "quotes/form.html", {
        # Only a "next" the caller gave is carried through the post; otherwise saving opens the quote.
        "form": form, "formset": formset, "quote": quote, "customer": customer, "next": next_url(request, ""),
        "cancel": next_url(request, fallback),
        "title": _("New quote") if quote is None else _("Edit quote %(number)s") % {"number": quote.number},
        "line_errors": line_errors + [str(e) for e in formset.non_form_errors()],
        "price_places": places().price,
        "strategy_keys": {str(pk): key for pk, key in PriceStrategy.objects.values_list("pk", "key")},
    })


@permission_required(MODULE, "create")
def quote_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@permission_required(MODULE, "edit")
def quote_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    if not quote.is_open:
        messages.error(request, _("An accepted, rejected or expired quote can no longer be changed; copy it instead."))
        return redirect("quotes:detail", pk=quote.pk)
    return _form_page(request, quote)


@permission_required(MODULE, "view")
def quote_delete(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    require(request.user, MODULE, "delete")
    if request.method == "POST":
        recycle_bin.trash(quote, by=request.user)
        messages.success(request, _("Quote %(number)s moved to the recycle bin.") % {"number": quote.number})
        return redirect("quotes:list")
    return render(request, "quotes/confirm_delete.html", {"quote": quote})


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
    customer = customer_access.visible_customer_in_query(request)
    if customer is None:
        return JsonResponse({"prices": {}})
    ids = [int(p) for p in request.GET.getlist("product")[:services.MAX_LINES] if p.isdigit()]
    exclude = request.GET.get("quote", "")
    found = services.last_prices(request.user, customer, ids, exclude_quote=int(exclude) if exclude.isdigit() else None)
    answer: dict = {"prices": {str(pk): [{"price": str(r["price"]), "discount": str(r["discount"]),
                                          "date": r["date"].isoformat(), "number": r["number"]} for r in rows]
                               for pk, rows in found.items()}}
    if may_see_cost(request.user):
        answer["costs"] = {str(pk): str(round_price(cost)) for pk, cost in
                           Product.objects.filter(pk__in=ids, cost_price__isnull=False).values_list("pk", "cost_price")}
    return JsonResponse(answer)


@permission_required(MODULE, "view")
@require_GET
def opportunity_choices(request: HttpRequest) -> JsonResponse:
    """The customer's opportunities the user sees (the form's opportunity list follows the customer)."""
    customer = customer_access.visible_customer_in_query(request)
    if customer is None:
        return JsonResponse({"results": []})
    rows = services.customer_opportunities(request.user, customer)[:100]
    return JsonResponse({"results": [{"id": o.pk, "text": o.subject} for o in rows]})
