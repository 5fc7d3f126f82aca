"""The pages every document with lines shares: its form page (header form + line editor, the
service's errors put back on the field or line they name) and what the line editor asks the
server (the customer's last prices of the chosen products, cost prices for roles with that right)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from saas_core.customers import access as customer_access
from saas_core.customers.models import Customer
from saas_core.lines.forms import LineFormSet, initial_lines, show_service_errors
from saas_core.lines.services import MAX_LINES
from saas_core.money import places, round_price
from saas_core.products.access import may_see_cost
from saas_core.products.models import PriceStrategy, Product
from saas_core.records.batch import batch_view
from saas_core.records.lists import record_list
from web.navigation import next_url, pk_urls


def last_prices_answer(request: HttpRequest, find: Callable) -> JsonResponse:
    """``?customer=&product=&product=&exclude=``: ``find(user, customer, product_ids, exclude=id)``
    gives the prices; a customer the user may not see gets an empty answer."""
    raw = request.GET.get("customer", "")
    customer = Customer.objects.filter(pk=raw).first() if raw.isdigit() else None
    if customer is None or not customer_access.can_view(request.user, customer):
        return JsonResponse({"prices": {}})
    ids = [int(p) for p in request.GET.getlist("product")[:MAX_LINES] if p.isdigit()]
    exclude = request.GET.get("exclude", "")
    found = find(request.user, customer, ids, exclude=int(exclude) if exclude.isdigit() else None)
    answer: dict = {"prices": {str(pk): [{"price": str(r["price"]), "discount": str(r["discount"]),
                                          "date": r["date"].isoformat(), "number": r["number"]} for r in rows]
                               for pk, rows in found.items()}}
    if may_see_cost(request.user):
        answer["costs"] = {str(pk): str(round_price(cost)) for pk, cost in
                           Product.objects.filter(pk__in=ids, cost_price__isnull=False).values_list("pk", "cost_price")}
    return JsonResponse(answer)


def customer_param(request: HttpRequest) -> Customer | None:
    """``?customer=`` of a "new document for this customer" link: 404 unless the user sees it."""
    raw = request.GET.get("customer")
    if not raw:
        return None
    customer = Customer.objects.filter(pk=raw).first() if str(raw).isdigit() else None
    if customer is None or not customer_access.can_view(request.user, customer):
        raise Http404
    return customer


@dataclass(frozen=True)
class DocumentPage:
    """What differs between the form pages of quotes, contracts and orders."""

    form_class: type
    create: Callable  # create(by=, lines=, discount=, **fields)
    update: Callable  # update(document, by=, lines=, discount=, **fields)
    template: str
    detail_url: str  # URL name of the detail page (one pk argument)
    list_url: str
    saved: str  # message with %(number)s
    new_title: str
    edit_title: str  # with %(number)s


def document_form_page(request: HttpRequest, page: DocumentPage, document: Model | None,
                       extra: dict | None = None) -> HttpResponse:
    """Show, check and save a document's form; a save goes through ``page.create`` / ``page.update``."""
    customer = customer_param(request) if document is None else None
    form = page.form_class(request.POST or None, instance=document, user=request.user, customer=customer)
    if customer is not None and request.GET.get("opportunity", "").isdigit():
        form.initial["opportunity"] = int(request.GET["opportunity"])
    initial = initial_lines(document.lines.all()) if document is not None and request.method != "POST" else None
    formset = LineFormSet(request.POST or None, prefix="lines", initial=initial)
    line_errors: list[str] = []
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        fields = form.service_fields()
        discount = form.cleaned_data.get("discount")
        try:
            if document is None:
                saved = page.create(by=request.user, lines=formset.inputs(), discount=discount, **fields)
            else:
                saved = page.update(document, by=request.user, lines=formset.inputs(), discount=discount, **fields)
        except ValidationError as exc:
            line_errors = show_service_errors(form, formset, exc)
        else:
            messages.success(request, page.saved % {"number": saved.number})
            return redirect(next_url(request, reverse(page.detail_url, args=[saved.pk])))
    fallback = reverse(page.detail_url, args=[document.pk]) if document else reverse(page.list_url)
    return render(request, page.template, {
        # Only a "next" the caller gave is carried through the post; otherwise saving opens the document.
        "form": form, "formset": formset, "document": document, "customer": customer,
        "next": next_url(request, ""), "cancel": next_url(request, fallback),
        "title": page.new_title if document is None else page.edit_title % {"number": document.number},
        "line_errors": line_errors + [str(e) for e in formset.non_form_errors()],
        "price_places": places().price,
        "strategy_keys": {str(pk): key for pk, key in PriceStrategy.objects.values_list("pk", "key")},
        **(extra or {}),
    })


@dataclass(frozen=True)
class DetailSection:
    """A block another app adds to a document's page (receivables: a contract's or order's plans,
    payments and invoices): ``context(request, document)`` gives its template's ``data`` (None hides
    it); ``documents`` are the model labels it shows on ("contracts.contract")."""

    key: str
    template: str
    context: Callable
    documents: tuple[str, ...]


_sections: dict[str, DetailSection] = {}


def register_section(section: DetailSection) -> None:
    _sections[section.key] = section


def sections(request: HttpRequest, document: Model) -> list[tuple[DetailSection, dict]]:
    shown = []
    for section in _sections.values():
        if document._meta.label_lower in section.documents:
            data = section.context(request, document)
            if data is not None:
                shown.append((section, data))
    return shown


def lines_with_cost(document: Model, *, with_cost: bool) -> list:
    """The document's lines with their product and ``line.product_url``; ``line.cost`` is the
    product's cost price only for a role that may see it (None otherwise)."""
    # The product's search keys (arrays of pinyin) are never shown here: 50 lines' worth of them
    # were a tenth of a quote page's time.
    rows = list(document.lines.select_related("product").defer(
        "product__search_tokens", "product__search_initials", "product__search_spelled", "product__remark"))
    price_places = places().price
    product_url = pk_urls("products:detail")
    for line in rows:
        line.product_url = product_url(line.product_id)
        cost = getattr(line, "unit_cost", None)
        cost = line.product.cost_price if cost is None else cost
        line.cost = round_price(cost, price_places) if with_cost and cost is not None else None
    return rows


def trash_page(request: HttpRequest, document: Model, *, module: str, done: str, list_url: str,
               template: str) -> HttpResponse:
    """Confirm, then move the document to the recycle bin (``done`` has %(number)s)."""
    from saas_core.org.access import require
    from saas_core.records import bin as recycle_bin

    require(request.user, module, "delete")
    if request.method == "POST":
        recycle_bin.trash(document, by=request.user)
        messages.success(request, done % {"number": document.number})
        return redirect(list_url)
    return render(request, template, {document._meta.model_name: document})


@dataclass(frozen=True)
class DocumentViews:
    """The pages every document type wires the same way: its list, batch actions, new and edit
    forms, delete and the line editor's last prices, each behind the module's permission. A
    document's views module declares one and names its views from it (``quote_list = QUOTES.list``);
    what is its own (detail, print, status, conversions) stays there."""

    module: str
    model: type[Model]
    select: tuple[str, ...]  # select_related of one document's page
    queries: object  # read_filters, SORTS, DEFAULT_SORT (lines.queries)
    listing: Callable  # listing(user, filters, sort) -> the user's documents
    list_template: str
    scoped: Callable  # scoped(user) -> the documents of the user's scope
    words: Callable  # services.batch_words: called per request (the words are in the user's language)
    page: Callable[[], DocumentPage]
    prices: Callable  # prices(user, customer, product_ids, exclude=) (services.last_prices)
    delete_template: str
    deleted: Callable[[], str]  # "… %(number)s moved to the recycle bin."
    related: tuple[str, ...] = ("customer", "owner")
    export_key: str | None = None
    list_extra: Callable | None = None  # list_extra(request) -> more context of the list
    locked: Callable | None = None  # locked(document) -> why it may not be edited now, or None
    form_extra: Callable | None = None  # form_extra(document) -> more context of the form

    def get_or_404(self, request: HttpRequest, pk: int) -> Model:
        """The document if the user sees it (another company's or out of scope: 404)."""
        from saas_core.org.scope import can_see

        document = self.model.objects.select_related(*self.select).filter(pk=pk).first()
        if document is None or not can_see(request.user, document):
            raise Http404
        return document

    def _form(self, request: HttpRequest, document: Model | None) -> HttpResponse:
        extra = self.form_extra(document) if self.form_extra else None
        return document_form_page(request, self.page(), document, extra)

    @property
    def list(self) -> Callable:
        from saas_core.org.access import permission_required

        @permission_required(self.module, "view")
        def document_list_view(request: HttpRequest) -> HttpResponse:
            return record_list(request, module=self.module, queries=self.queries, listing=self.listing,
                               template=self.list_template, export_key=self.export_key, related=self.related,
                               extra=self.list_extra(request) if self.list_extra else None)

        return document_list_view

    @property
    def batch(self) -> Callable:
        from django.views.decorators.http import require_POST

        from saas_core.org.access import permission_required

        @permission_required(self.module, "view")
        @require_POST
        def document_batch_view(request: HttpRequest) -> HttpResponse:
            back = next_url(request, reverse(self.page().list_url))
            return batch_view(request, module=self.module, queryset=self.scoped(request.user), words=self.words(),
                              back=back)

        return document_batch_view

    @property
    def create(self) -> Callable:
        from saas_core.org.access import permission_required

        @permission_required(self.module, "create")
        def document_create_view(request: HttpRequest) -> HttpResponse:
            return self._form(request, None)

        return document_create_view

    @property
    def edit(self) -> Callable:
        from saas_core.org.access import permission_required

        @permission_required(self.module, "edit")
        def document_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
            document = self.get_or_404(request, pk)
            why = self.locked(document) if self.locked else None
            if why:
                messages.error(request, why)
                return redirect(self.page().detail_url, pk=document.pk)
            return self._form(request, document)

        return document_edit_view

    @property
    def delete(self) -> Callable:
        from saas_core.org.access import permission_required

        @permission_required(self.module, "view")
        def document_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
            return trash_page(request, self.get_or_404(request, pk), module=self.module,
                              list_url=self.page().list_url, done=self.deleted(), template=self.delete_template)

        return document_delete_view

    @property
    def last_prices(self) -> Callable:
        from django.views.decorators.http import require_GET

        from saas_core.org.access import permission_required

        @permission_required(self.module, "view")
        @require_GET
        def document_last_prices_view(request: HttpRequest) -> JsonResponse:
            """The customer's last prices of the given products (``?customer=&product=&product=``)."""
            return last_prices_answer(request, self.prices)

        return document_last_prices_view
