"""Customer and contact pages (CUS-01..04, CUS-07, CON-01): thin views over customers.services.

Every list goes through ``org.scope.visible``; every page about one customer answers 404 when
``customers.access.can_view`` says no (the same as for an id that does not exist, e.g. another
company's), and 403 with a message when the user sees it but may not do what was asked. The
360° view and its panels say why instead (403 naming the owner) to a user with a link to it.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST

from saas_core.customers import access, charts, queries, services
from saas_core.customers import panels as panel_registry
from saas_core.customers.forms import (
    ClassifyForm,
    ContactFilterForm,
    ContactForm,
    CustomerCreateForm,
    CustomerFilterForm,
    CustomerForm,
    HotForm,
    NewContactForm,
)
from saas_core.customers.models import Contact, Customer
from saas_core.customers.panels import CustomerPanel
from saas_core.dictionaries.models import DictionaryItem, in_language
from saas_core.dictionaries.services import choices as dictionary_choices
from saas_core.org.access import can, denial_message, has_right, permission_required, require
from saas_core.org.scope import visible
from saas_core.records import bin as recycle_bin
from web.forms import add_service_errors
from web.pagination import PAGE_SIZES, page_size

COUNT_CAP = 100_000  # beyond this the total reads "more than 100,000"
BATCH_MAX = 500
BATCH_FIELDS = {"status": None, "category": "customer_category", "value_class": "value_class"}
# What the list's columns show, read as plain values: no model instances, and the search keys
# (long arrays) and the owner's password hash stay out of every list page.
LIST_COLUMNS = (
    "id", "number", "name", "kind", "status", "is_hot", "hot_until", "last_contact_at", "created_at",
    "owner_id", "owner__name", "owner__username", "category__label_zh", "category__label_en",
    "industry__label_zh", "industry__label_en",
)


class ListPage:
    """One page of a list without counting it: ``size + 1`` rows tell whether a next page exists.

    The total is counted by a separate request (``count_url``, loaded by htmx once the page is
    shown), so a list of a million customers renders from one LIMIT query on an index; on a
    first page that is not full the total is simply the rows shown.
    """

    def __init__(self, queryset, number: int, size: int, fetch=None):
        offset = (number - 1) * size
        fetch = fetch or (lambda qs, start, stop: list(qs[start:stop]))
        rows = fetch(queryset, offset, offset + size + 1)
        self.number, self.size = number, size
        self.has_next = len(rows) > size
        self.object_list = rows[:size]
        self.has_previous = number > 1
        self.known_total = len(self.object_list) if number == 1 and not self.has_next else None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def _page(request: HttpRequest, queryset, fetch=None) -> tuple[ListPage, int]:
    size = page_size(request)
    try:
        number = min(max(int(request.GET.get("page", 1)), 1), 100_000)
    except ValueError:
        number = 1
    return ListPage(queryset, number, size, fetch), size


def _count_response(request: HttpRequest, queryset) -> HttpResponse:
    """The total of a list, as the fragment its page loads (capped at COUNT_CAP)."""
    total = queryset.order_by()[: COUNT_CAP + 1].count()
    return render(request, "customers/_total.html", {"total": total, "capped": total > COUNT_CAP, "cap": COUNT_CAP})


def _url_with(request: HttpRequest, drop=("page",), **params) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    for key, value in params.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"


def _back_to_list(request: HttpRequest, fallback: str = "customers:list") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}) and target.startswith("/"):
        return target
    return reverse(fallback)


def _customer(pk: int) -> Customer | None:
    return (
        Customer.objects.select_related(
            "owner", "category", "grade", "customer_type", "industry", "source", "value_class", "hot_reason", "parent",
        ).filter(pk=pk).first()
    )


def _customer_or_404(request: HttpRequest, pk: int) -> Customer:
    customer = _customer(pk)
    if customer is None or not access.can_view(request.user, customer):
        raise Http404
    return customer


def _customer_or_denied(request: HttpRequest, pk: int) -> Customer:
    """The customer for the 360° view. One the user may not see but has a legitimate link to
    (``access.has_link``: e.g. an assignee of a task on it following the task's link) is a 403
    naming its owner, so they learn whom to ask; to anyone else it stays a 404, as does another
    company's customer (not in this schema at all)."""
    customer = _customer(pk)
    if customer is None:
        raise Http404
    if not access.can_view(request.user, customer):
        if not access.has_link(request.user, customer):
            raise Http404
        owner = customer.owner if customer.owner_id else _("Public pool")
        raise PermissionDenied(_("You cannot view this customer (owner: %(owner)s)") % {"owner": owner})
    return customer


def _edit_denied(user, customer: Customer) -> str:
    if not can(user, "customers", "edit"):
        return denial_message(user, "customers", "edit")
    return _("“%(customer)s” is shared with you read-only; you may not change it.") % {"customer": customer}


def _require_edit(request: HttpRequest, customer: Customer) -> None:
    if not access.can_edit(request.user, customer):
        raise PermissionDenied(_edit_denied(request.user, customer))


def _delete_denied(user, customer: Customer) -> str:
    if not can(user, "customers", "delete"):
        return denial_message(user, "customers", "delete")
    return _("You may not delete “%(customer)s”: it is not in your data scope.") % {"customer": customer}


# --- the list -----------------------------------------------------------------------------------


def _export_url(request: HttpRequest, key: str) -> str | None:
    """The xlsx export of the list as filtered (imports app), for users with the export action and right."""
    module = "customers" if key == "customers" else "contacts"
    if not (can(request.user, module, "export") and has_right(request.user, "export_excel")):
        return None
    return reverse("imports:export", args=[key]) + _url_with(request, drop=("page", "page_size"))


def _list_filters(request: HttpRequest) -> tuple[CustomerFilterForm, dict]:
    form = CustomerFilterForm(request.GET or None, user=request.user)
    form.is_valid()  # the valid fields filter; an invalid one shows its error and is left out
    filters = dict(getattr(form, "cleaned_data", {}))
    if filters.get("view") == "not_followed" and not filters.get("days"):
        filters["days"] = queries.DEFAULT_STALE_DAYS
    return form, filters


def _day(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


# The list's rows, written here rather than by the template engine: a page of a million-row
# list is the product's busiest page, and the engine's per-variable work was a third of its
# rendering. Every value goes through format_html, which escapes it.
_ROW = (
    '<tr data-testid="customer-row" data-id="{id}">{tick}<td class="text-nowrap">{number}</td>'
    '<td><a href="{url}" data-testid="customer-name">{name}</a>{badges}</td>'
    '<td data-testid="customer-contact">{contact}</td><td>{status}</td><td>{category}</td><td>{industry}</td><td>{owner}</td>'
    '<td class="text-nowrap">{last_contact}</td><td class="text-nowrap">{created}</td></tr>\n'
)
_TICK = '<td><input class="form-check-input row-check" type="checkbox" name="ids" value="{}" form="batch" aria-label="{}"></td>'
_INDIVIDUAL = ' <span class="badge bg-light text-dark border">{}</span>'
_HOT = ' <span class="badge bg-danger" data-testid="hot-badge">{}</span>'


def _contact_cell(name: str, number: str) -> SafeString:
    """The list's contact column: the primary contact and a number to call (and text, if a mobile)."""
    if not (name or number):
        return mark_safe("")
    phone = render_to_string("web/_phone.html", {"number": number}) if number else ""
    return format_html('<span class="text-nowrap">{}</span> {}', name, phone)


def _list_rows(page: ListPage, *, tickable: bool) -> SafeString:
    """The table rows of a page of the customer list (``tickable``: with the batch checkboxes)."""
    today = timezone.localdate()
    statuses = {value: str(label) for value, label in Customer.Status.choices}
    detail = reverse("customers:detail", args=[0])[:-2]  # ".../customers/" + id + "/"
    pool, individual, hot = _("Public pool"), format_html(_INDIVIDUAL, _("Individual")), format_html(_HOT, _("Hot"))
    contacts = queries.primary_contacts([c["id"] for c in page])
    rows = []
    for c in page:
        badges = format_html(
            "{}{}", individual if c["kind"] == Customer.Kind.INDIVIDUAL else "",
            hot if queries.hot_now(c["is_hot"], c["hot_until"], today) else "",
        )
        rows.append(format_html(
            _ROW, id=c["id"], url=f"{detail}{c['id']}/", number=c["number"], name=c["name"],
            tick=format_html(_TICK, c["id"], c["name"]) if tickable else "", badges=badges,
            contact=_contact_cell(*contacts.get(c["id"], ("", ""))),
            status=statuses.get(c["status"], c["status"]),
            category=in_language(c["category__label_zh"] or "", c["category__label_en"] or ""),
            industry=in_language(c["industry__label_zh"] or "", c["industry__label_en"] or ""),
            owner=(c["owner__name"] or c["owner__username"]) if c["owner_id"] else pool,
            last_contact=_day(c["last_contact_at"]) or "—", created=_day(c["created_at"]),
        ))
    return mark_safe("".join(rows))  # noqa: S308 - each row is format_html's


@permission_required("customers", "view")
def customer_list(request: HttpRequest) -> HttpResponse:
    form, filters = _list_filters(request)
    sort = queries.sort_key(request.GET.get("sort"), queries.CUSTOMER_SORTS, queries.DEFAULT_CUSTOMER_SORT)
    customers = queries.customer_list(request.user, filters, sort)
    if sort == queries.DEFAULT_CUSTOMER_SORT and (filters.get("q") or filters.get("name")):
        page, size = _page(request, customers, fetch=partial(queries.newest_first_slice, values=LIST_COLUMNS))
    else:
        page, size = _page(request, customers.values(*LIST_COLUMNS))
    active = filters.get("view") or "all"
    status = filters.get("status") or ""
    tabs = [
        {"key": c.key, "label": c.label, "group": c.group, "active": c.key == active and not (c.key == "all" and status),
         "url": _url_with(request, drop=("page", "days"), view=None if c.key == "all" else c.key)}
        for c in queries.categories()
    ] + [
        # Statuses name their field: the status 潜在 and the category 潜在客户 read as one word (issue 14).
        {"key": f"status-{value}", "label": pgettext("customer list filter", "Status: %(status)s") % {"status": label},
         "group": "status", "active": status == value,
         "url": _url_with(request, drop=("page", "days", "view"), status=None if status == value else value)}
        for value, label in Customer.Status.choices
    ]
    user = request.user
    can_edit, can_delete = can(user, "customers", "edit"), can(user, "customers", "delete")
    return render(request, "customers/list.html", {
        "form": form, "page": page, "rows": _list_rows(page, tickable=can_edit or can_delete), "page_size": size, "page_sizes": PAGE_SIZES, "sort": sort, "tabs": tabs,
        "view": active, "days": filters.get("days") or queries.DEFAULT_STALE_DAYS,
        "count_url": reverse("customers:count") + _url_with(request, drop=("page", "page_size", "sort")),
        "can_create": can(user, "customers", "create"), "can_edit": can_edit, "can_delete": can_delete,
        "status_choices": Customer.Status.choices,
        "category_choices": dictionary_choices("customer_category"),
        "value_class_choices": dictionary_choices("value_class"),
        "charts_url": reverse("customers:charts") + _url_with(request, drop=("page", "page_size", "sort")),
        "export_url": _export_url(request, "customers"),
        "import_url": reverse("imports:upload", args=["customers"]) if can(user, "customers", "import") else None,
        "current_url": request.get_full_path(),
        "advanced_url": reverse("customers:advanced") + _url_with(request, drop=("page",)),
    })


@permission_required("customers", "view")
@require_GET
def customer_count(request: HttpRequest) -> HttpResponse:
    _form, filters = _list_filters(request)
    return _count_response(request, queries.customer_list(request.user, filters))


@permission_required("customers", "view")
@require_GET
def customer_advanced(request: HttpRequest) -> HttpResponse:
    """The advanced search form, drawn when it is opened (htmx) so the list itself stays light."""
    form, filters = _list_filters(request)
    return render(request, "customers/_advanced_search.html", {
        "form": form, "view": filters.get("view") or "all", "days": filters.get("days") or queries.DEFAULT_STALE_DAYS,
    })


@permission_required("customers", "view")
def customer_charts(request: HttpRequest) -> HttpResponse:
    form, filters = _list_filters(request)
    query = _url_with(request, drop=("page", "page_size", "sort"))
    return render(request, "customers/charts.html", {
        "form": form, "data_url": reverse("customers:charts_data") + query,
        "list_url": reverse("customers:list") + query, "dimensions": [
            {"key": key, "title": title} for key, (_f, title, _k) in charts.CHART_DIMENSIONS.items()
        ] + [{"key": c.key, "title": c.title} for c in charts.extra_charts(request.user)],
    })


@permission_required("customers", "view")
@require_GET
def customer_charts_data(request: HttpRequest) -> JsonResponse:
    _form, filters = _list_filters(request)
    queryset = queries.filter_customers(visible(Customer.objects.all(), request.user), filters)
    return JsonResponse(charts.customer_charts(queryset, request.user))


# --- batch actions ------------------------------------------------------------------------------


def _selected(request: HttpRequest) -> list[Customer]:
    ids = []
    for raw in request.POST.getlist("ids")[:BATCH_MAX]:
        try:
            ids.append(int(raw))
        except ValueError:
            continue
    return list(visible(Customer.objects.filter(pk__in=ids), request.user).select_related("owner").order_by("name", "pk"))


def _names(customers) -> str:
    return get_text_list([f"“{c.name}”" for c in customers], _("and"))


@permission_required("customers", "view")
@require_POST
def customer_batch(request: HttpRequest) -> HttpResponse:
    """Change status, category or value class of the ticked customers, or delete them (after a confirmation)."""
    back = _back_to_list(request)
    action = request.POST.get("action", "")
    customers = _selected(request)
    if not customers:
        messages.error(request, _("Tick at least one customer first."))
        return redirect(back)
    if action == "delete":
        return _batch_delete(request, customers, back)
    if action not in BATCH_FIELDS:
        messages.error(request, _("Choose what to do with the ticked customers."))
        return redirect(back)
    require(request.user, "customers", "edit")
    raw = request.POST.get(action, "")
    value = _batch_value(action, raw)
    if value is None:
        messages.error(request, _("Choose the new value first."))
        return redirect(back)
    refused = [c for c in customers if not access.can_edit(request.user, c)]
    if refused:
        messages.error(request, _("Nothing was changed: you may not change %(names)s.") % {"names": _names(refused)})
        return redirect(back)
    try:
        with transaction.atomic():
            for customer in customers:
                services.update_customer(customer, by=request.user, **{action: value})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    label = dict(Customer.Status.choices).get(value) if action == "status" else value.label
    messages.success(request, ngettext(
        "%(count)d customer changed to “%(value)s”.", "%(count)d customers changed to “%(value)s”.", len(customers),
    ) % {"count": len(customers), "value": label})
    return redirect(back)


def _batch_value(action: str, raw: str):
    if action == "status":
        return raw if raw in Customer.Status.values else None
    try:
        return DictionaryItem.objects.get(pk=int(raw), type__key=BATCH_FIELDS[action], is_active=True)
    except (ValueError, DictionaryItem.DoesNotExist):
        return None


def _batch_delete(request: HttpRequest, customers: list[Customer], back: str) -> HttpResponse:
    require(request.user, "customers", "delete")
    refused = [c for c in customers if not access.can_delete(request.user, c)]
    if refused:
        messages.error(request, _("Nothing was deleted: you may not delete %(names)s.") % {"names": _names(refused)})
        return redirect(back)
    if request.POST.get("confirm") != "1":
        contact_counts = dict(
            Contact.objects.filter(customer__in=customers).order_by().values_list("customer_id").annotate(n=Count("pk"))
        )
        for customer in customers:
            customer.contact_count = contact_counts.get(customer.pk, 0)
        return render(request, "customers/confirm_batch_delete.html", {"customers": customers, "next": back})
    try:
        with transaction.atomic():
            for customer in customers:
                recycle_bin.trash(customer, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, ngettext(
        "%(count)d customer moved to the recycle bin.", "%(count)d customers moved to the recycle bin.", len(customers),
    ) % {"count": len(customers)})
    return redirect(back)


# --- create and edit ----------------------------------------------------------------------------


@permission_required("customers", "create")
def customer_create(request: HttpRequest) -> HttpResponse:
    initial = {"kind": Customer.Kind.ENTERPRISE}
    if phone := request.GET.get("phone", "").strip()[:50]:  # quick create from a call: the number filled in
        initial["phone"] = phone
    form = CustomerCreateForm(request.POST or None, user=request.user, initial=initial)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.create_customer(
                by=request.user, contact=form.contact_data(),
                confirm_duplicates=form.cleaned_data["confirm_duplicates"], **form.service_fields(),
            )
        except services.DuplicateCustomer as exc:
            duplicates = exc.duplicates
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Customer “%(name)s” has been created.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {
        "form": form, "duplicates": duplicates, "title": _("New customer"), "creating": True,
    })


@permission_required("customers", "view")
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    _require_edit(request, customer)
    form = CustomerForm(request.POST or None, user=request.user, instance=Customer.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_customer(customer, by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Customer “%(name)s” has been saved.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {
        "form": form, "customer": customer, "title": _("Edit customer"), "creating": False,
    })


@require_GET
def duplicate_check(request: HttpRequest) -> JsonResponse:
    """Live 撞单 warning while typing: customers of the company with this name or phone (name + owner only)."""
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"detail": _("Sign in first.")}, status=401)
    if not (can(user, "customers", "create") or can(user, "customers", "edit")):
        return JsonResponse({"detail": denial_message(user, "customers", "create")}, status=403)
    try:
        exclude = int(request.GET.get("exclude") or 0) or None
    except ValueError:
        exclude = None
    phones = tuple(p[:50] for p in request.GET.getlist("phone") if p.strip())[:5]
    found = services.find_duplicates(name=request.GET.get("name", "")[:200], phones=phones, exclude=exclude)
    return JsonResponse({"duplicates": [
        {"name": d.name, "owner": d.owner, "reason": d.reason, "text": d.text} for d in found
    ]})


PICK_LIMIT = 20


@require_GET
def customer_pick(request: HttpRequest) -> JsonResponse:
    """The customer picker's matches (``web.pickers``): the list's quick search over the customers
    the user's data scope shows, best-known first."""
    from saas_core.customers.search import search_customers
    from web.pickers import CustomerPickerField

    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"detail": _("Sign in first.")}, status=401)
    if not can(user, "customers", "view"):
        return JsonResponse({"detail": denial_message(user, "customers", "view")}, status=403)
    query = (request.GET.get("q") or "").strip()[:100]
    if not query:
        return JsonResponse({"results": []})
    found = search_customers(visible(Customer.objects.all(), user), query).select_related("owner")
    label = CustomerPickerField().label_from_instance
    return JsonResponse({"results": [
        {"id": c.pk, "label": label(c), "owner": str(c.owner or _("public pool"))}
        for c in found.order_by("name", "pk")[:PICK_LIMIT]
    ]})


# --- the 360° view ------------------------------------------------------------------------------


def _rendered_panel(request: HttpRequest, customer: Customer, panel: CustomerPanel) -> dict | None:
    data = panel.context(request, customer)
    if data is None:
        return None
    html = render_to_string(panel.template, {**data, "customer": customer, "panel": panel}, request=request)
    return {"panel": panel, "html": html}


def _selected_tab(request: HttpRequest, tabs: list, wanted: str | None) -> str:
    keys = [tab.key for tab, _panels in tabs]
    wanted = wanted or request.GET.get("tab", "")
    return wanted if wanted in keys else (keys[0] if keys else "")


def _render_detail(request: HttpRequest, customer: Customer, status: int = 200, tab: str | None = None) -> HttpResponse:
    """The summary header over the tabs; only the selected tab's lazy panels are loaded now, the
    others hold a placeholder the page's script fills from ``customers:panel`` when opened."""
    tabs = panel_registry.tabs_for(panel_registry.visible_panels(request, customer))
    selected = _selected_tab(request, tabs, tab)
    shown = []
    for tab_info, panels in tabs:
        items = []
        for panel in panels:
            if panel.lazy and tab_info.key != selected:
                url = reverse("customers:panel", args=[customer.pk, panel.key])
                items.append({"panel": panel, "url": url})
            elif (item := _rendered_panel(request, customer, panel)) is not None:
                items.append(item)
        if items:
            shown.append({
                "tab": tab_info, "selected": tab_info.key == selected,
                "main": [i for i in items if i["panel"].column == "main"],
                "side": [i for i in items if i["panel"].column == "side"],
            })
    return render(request, "customers/detail.html", {
        "customer": customer,
        "tabs": shown,
        "figures": panel_registry.figures_for(request, customer),
        "hot_now": queries.is_hot_now(customer),
        "can_edit": access.can_edit(request.user, customer),
        "can_delete": access.can_delete(request.user, customer),
        "can_add_activity": can(request.user, "activities", "create"),
    }, status=status)


@permission_required("customers", "view")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _customer_or_denied(request, pk))


@permission_required("customers", "view")
@require_GET
def customer_panel(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One panel of the 360° view: the fragment the page fetches (``?partial=1``), or the panel on
    a page of its own (the link shown where JavaScript does not run). Same checks as the page."""
    customer = _customer_or_denied(request, pk)
    panel = panel_registry.find_panel(request, customer, key)
    if panel is None:
        raise Http404
    item = _rendered_panel(request, customer, panel)
    context = {"customer": customer, "item": item, "panel": panel, "tab": panel_registry.tab_of(panel)}
    if request.GET.get("partial"):
        return render(request, "customers/_panel_body.html", context)
    return render(request, "customers/panel_page.html", context)


def _panel_change(request: HttpRequest, pk: int, form_class, key: str, done: str) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    _require_edit(request, customer)
    form = form_class(request.POST, instance=Customer.objects.get(pk=pk))
    if form.is_valid():
        try:
            services.update_customer(customer, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("customers:detail", pk=pk)
    request.customer_forms = {key: form}
    return _render_detail(request, _customer_or_404(request, pk), tab="basic")


@permission_required("customers", "view")
@require_POST
def customer_classify(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_change(request, pk, ClassifyForm, "classify", _("Status, grade and value class have been saved."))


@permission_required("customers", "view")
@require_POST
def customer_hot(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_change(request, pk, HotForm, "hot", _("The hot flag has been saved."))


@permission_required("customers", "view")
def customer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    if not access.can_delete(request.user, customer):
        raise PermissionDenied(_delete_denied(request.user, customer))
    if request.method == "POST":
        try:
            recycle_bin.trash(customer, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("customers:detail", pk=pk)
        messages.success(request, _("“%(name)s” has been moved to the recycle bin.") % {"name": customer.name})
        return redirect("customers:list")
    return render(request, "customers/confirm_delete.html", {
        "customer": customer, "contact_count": customer.contacts.count(),
    })


# --- contacts of one customer ---------------------------------------------------------------------


def _contact_or_404(request: HttpRequest, pk: int) -> Contact:
    contact = Contact.objects.select_related("customer").filter(pk=pk).first()
    if contact is None or not can(request.user, "contacts", "view") or not access.can_view(request.user, contact.customer):
        raise Http404
    return contact


def _save_contact(request: HttpRequest, customer: Customer | None, contact: Contact | None) -> HttpResponse:
    """The contact form; with no ``customer`` (quick-create) the form picks it, and a customer the
    user may see but not change is refused on that field."""
    require(request.user, "contacts", "create" if contact is None else "edit")
    data = request.POST if request.method == "POST" else None
    if customer is None:
        form = NewContactForm(data, user=request.user)
    else:
        _require_edit(request, customer)
        form = ContactForm(data, instance=Contact.objects.get(pk=contact.pk) if contact else None)
    if data is not None and form.is_valid():
        target = customer or form.cleaned_data["customer"]
        fields = form.contact_data() if customer is None else form.cleaned_data
        if customer is None and not access.can_edit(request.user, target):
            form.add_error("customer", _edit_denied(request.user, target))
        else:
            try:
                contact = services.save_contact(contact, customer=target, by=request.user, **fields)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Contact “%(name)s” has been saved.") % {"name": contact.name})
                return redirect(panel_registry.detail_url(target.pk, "contacts"))
    title = _("New contact") if contact is None else _("Edit contact")
    return render(request, "customers/contact_form.html", {"form": form, "customer": customer, "title": title})


@permission_required("contacts", "view")
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_contact(request, _customer_or_404(request, pk), None)


@permission_required("contacts", "view")
def contact_new(request: HttpRequest) -> HttpResponse:
    """A new contact of a customer picked on the form (the top bar's quick-create)."""
    return _save_contact(request, None, None)


@permission_required("contacts", "view")
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    return _save_contact(request, contact.customer, contact)


@permission_required("contacts", "view")
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    require(request.user, "contacts", "delete")
    if not access.can_delete(request.user, contact.customer):
        raise PermissionDenied(_delete_denied(request.user, contact.customer))
    if request.method == "POST":
        recycle_bin.trash(contact, by=request.user)
        services.sync_phones(contact.customer)
        messages.success(request, _("“%(name)s” has been moved to the recycle bin.") % {"name": contact.name})
        return redirect(panel_registry.detail_url(contact.customer_id, "contacts"))
    return render(request, "customers/confirm_contact_delete.html", {"contact": contact})


# --- the contact list ---------------------------------------------------------------------------

SURNAMES_CACHE_SECONDS = 300


def _frequent_surnames(user, scoped) -> list[tuple[str, int]]:
    """The 百家姓 row: one GROUP BY over the user's contacts, cached for a few minutes (and
    recomputed as soon as a contact is added anywhere in the company)."""
    latest = Contact.all_objects.aggregate(m=Max("pk"))["m"] or 0
    key = f"customers:surnames:{connection.settings_dict['NAME']}:{user.pk}:{user.role}:{user.department_id}:{latest}"
    found = cache.get(key)
    if found is None:
        found = queries.frequent_surnames(scoped)
        cache.set(key, found, SURNAMES_CACHE_SECONDS)
    return found



def _contact_filters(request: HttpRequest) -> tuple[ContactFilterForm, dict]:
    form = ContactFilterForm(request.GET or None)
    form.is_valid()
    return form, dict(getattr(form, "cleaned_data", {}))


@permission_required("contacts", "view")
@require_GET
def contact_count(request: HttpRequest) -> HttpResponse:
    _form, filters = _contact_filters(request)
    return _count_response(request, queries.contact_list(request.user, filters))


@permission_required("contacts", "view")
def contact_list(request: HttpRequest) -> HttpResponse:
    form, filters = _contact_filters(request)
    sort = queries.sort_key(request.GET.get("sort"), queries.CONTACT_SORTS, queries.DEFAULT_CONTACT_SORT)
    page, size = _page(request, queries.contact_list(request.user, filters, sort))
    scoped = visible(Contact.objects.all(), request.user)
    initial = (filters.get("initial") or "").upper()
    surname = filters.get("surname") or ""
    return render(request, "customers/contact_list.html", {
        "can_create": can(request.user, "contacts", "create"), "form": form, "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "sort": sort,
        "count_url": reverse("customers:contact_count") + _url_with(request, drop=("page", "page_size", "sort")),
        "initials": [
            {"letter": letter, "active": letter == initial, "url": _url_with(request, drop=("page", "surname"), initial=letter)}
            for letter in queries.SURNAME_INITIALS
        ],
        "surnames": [
            {"surname": name, "count": n, "active": name == surname,
             "url": _url_with(request, drop=("page", "initial"), surname=name)}
            for name, n in _frequent_surnames(request.user, scoped)
        ],
        "index_active": bool(initial or surname),
        "clear_index_url": _url_with(request, drop=("page", "initial", "surname")),
        "birthday_url": _url_with(request, birthday_month=None if filters.get("birthday_month") else "on"),
        "birthday_month": bool(filters.get("birthday_month")),
        "export_url": _export_url(request, "contacts"),
    })
