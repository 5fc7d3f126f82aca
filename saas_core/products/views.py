"""Product pages (PRD-01); every change goes through saas_core.products.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from saas_core import money
from saas_core.org.access import boss_required, can, denial_message, has_right, permission_required
from saas_core.products import images, panels, queries, services
from saas_core.products.access import may_manage_catalogue, may_see_cost, may_view
from saas_core.products.forms import CategoryForm, ProductForm, StrategyForm
from saas_core.products.models import Category, PriceChange, PriceStrategy, Product
from saas_core.products.search import search_products
from web.forms import add_service_errors
from web.pagination import paginate

PICK_LIMIT = 20
PICK_WINDOW = 200


def product_label(product: Product) -> str:
    return f"{product.name} ({product.code})"


def _product_or_404(pk: int) -> Product:
    return get_object_or_404(Product.objects.select_related("category"), pk=pk)


def _rows(products: list[Product]) -> list[dict]:
    prices = services.price_map(products)
    return [{"product": p, "prices": prices[p.pk], "cost": services.shown_price(p.cost_price)} for p in products]


# --- list ----------------------------------------------------------------------------------------


@permission_required("products", "view")
def product_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    page, _size = paginate(request, queries.filtered(request.GET, user))
    strategies = services.strategies()
    rows = _rows(list(page.object_list))
    for row in rows:
        row["price_list"] = [row["prices"].get(s.key) for s in strategies]
    return render(request, "products/list.html", {
        "page": page, "rows": rows, "strategies": strategies, "sort": queries.sort_key(request.GET, user),
        "see_cost": may_see_cost(user), "tree": [(c.pk, "\u2003" * d + c.name) for c, d in services.category_tree()],
        "q": request.GET.get("q", ""), "category": request.GET.get("category", ""),
        "status": request.GET.get("status", ""), "review": request.GET.get("review", ""),
        "can_create": can(user, "products", "create"), "can_edit": can(user, "products", "edit"),
        "can_delete": can(user, "products", "delete"),
        "current_url": request.get_full_path(),
        "import_url": reverse("imports:upload", args=["products"]) if can(user, "products", "import") else None,
        "export_url": _export_url(request),
    })


def _export_url(request: HttpRequest) -> str | None:
    """The xlsx export of the list as filtered, for users with the export action and the export_excel right."""
    if not (can(request.user, "products", "export") and has_right(request.user, "export_excel")):
        return None
    params = request.GET.copy()
    for name in ("page", "page_size"):
        params.pop(name, None)
    return reverse("imports:export", args=["products"]) + (f"?{params.urlencode()}" if params else "")


@require_POST
@permission_required("products", "view")
def product_batch(request: HttpRequest) -> HttpResponse:
    """Batch actions on the ticked products: discontinue, back on sale, move to a category, delete."""
    user = request.user
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    chosen = Product.objects.filter(pk__in=ids)
    action = request.POST.get("action", "")
    back = request.POST.get("next") or reverse("products:list")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("products:list")
    if not ids:
        messages.error(request, _("Tick at least one product first."))
        return redirect(back)
    if action in ("discontinue", "resume"):
        count = services.set_discontinued(chosen, by=user, discontinued=action == "discontinue")
    elif action == "category":
        raw = request.POST.get("category", "")
        category = get_object_or_404(Category, pk=int(raw)) if raw.isdigit() else None
        count = services.set_category(chosen, by=user, category=category)
    elif action == "delete":
        count = services.delete_products(chosen, by=user)
    else:
        messages.error(request, _("Choose what to do with the ticked products."))
        return redirect(back)
    messages.success(request, _("Products changed: %(count)d.") % {"count": count})
    return redirect(back)


# --- one product ---------------------------------------------------------------------------------


def _save_product(request: HttpRequest, product: Product | None) -> HttpResponse:
    form = ProductForm(request.POST or None, user=request.user, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            if product is None:
                product = services.create_product(by=request.user, **form.service_kwargs())
            else:
                services.update_product(product, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Product “%(name)s” has been saved.") % {"name": product.name})
            return redirect("products:detail", pk=product.pk)
    return render(request, "products/form.html", {
        "form": form, "product": product, "title": _("Edit product") if product else _("New product"),
    }, status=400 if form.errors else 200)


@permission_required("products", "create")
def product_create(request: HttpRequest) -> HttpResponse:
    return _save_product(request, None)


@permission_required("products", "edit")
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_product(request, _product_or_404(pk))


def price_history(user, product: Product, limit: int = 50) -> list[PriceChange]:
    """The product's price changes, newest first; cost-price changes only for roles with the right."""
    changes = PriceChange.objects.filter(product=product).select_related("strategy", "changed_by")
    if not may_see_cost(user):
        changes = changes.filter(strategy__isnull=False)
    out = list(changes[:limit])
    for change in out:
        change.old_shown, change.new_shown = services.shown_price(change.old_price), services.shown_price(change.new_price)
    return out


def _panel_html(request: HttpRequest, product: Product) -> list[dict]:
    return [{"panel": panel, "html": render_to_string(panel.template, {**data, "product": product, "panel": panel},
                                                      request=request)}
            for panel, data in panels.shown(request, product)]


def _files(request: HttpRequest, product: Product) -> dict:
    """The images (thumbnails) and the attachment table with its upload form, for the 360°."""
    from saas_core.attachments import context

    files = context.panel(request.user, product, "product")
    if files is None:
        return {"files": None}
    return {"files": files, "images": list(images.images_of(product)[:12])}


@permission_required("products", "view")
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The product 360°: facts, prices, price history, images and files, and the registered panels."""
    product = _product_or_404(pk)
    user = request.user
    prices = services.price_map([product])[product.pk]
    return render(request, "products/detail.html", {**_files(request, product),
        "product": product, "category_path": services.category_path(product.category),
        "prices": [(s, prices.get(s.key)) for s in services.strategies()],
        "see_cost": may_see_cost(user), "cost": services.shown_price(product.cost_price),
        "history": price_history(user, product), "panels": _panel_html(request, product),
        "can_edit": can(user, "products", "edit"), "can_delete": can(user, "products", "delete"),
    })


@permission_required("products", "delete")
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product_or_404(pk)
    if request.method == "POST":
        try:
            services.delete_product(product, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("products:detail", pk=pk)
        messages.success(request, _("“%(name)s” has been moved to the recycle bin.") % {"name": product.name})
        return redirect("products:list")
    return render(request, "products/confirm_delete.html", {"product": product})


@permission_required("products", "view")
def product_thumbnail(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """A product image's thumbnail (JPEG); 404 for anything that is not one of its images."""
    product = _product_or_404(pk)
    if not can(request.user, "attachments", "view"):
        raise Http404
    attachment = images.images_of(product).filter(pk=attachment_id).first()
    data = images.thumbnail(attachment) if attachment else None
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- picker --------------------------------------------------------------------------------------


def pick_results(query: str) -> list[dict]:
    """The product picker's matches: products on sale only, with unit and strategy prices (never the cost)."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    # The picker answers while the user types. A broad keyword (打印机 in a catalogue of printers)
    # matches thousands: an unordered LIMIT lets PostgreSQL stop after PICK_WINDOW matches instead
    # of reading them all to sort by code; the page then shows the first by code among those (all
    # of them when there are fewer), and typing more narrows it.
    window = search_products(services.pickable(), query).order_by().values_list("pk", "code")[:PICK_WINDOW]
    ids = [pk for pk, _code in sorted(window, key=lambda row: (row[1], row[0]))[:PICK_LIMIT]]
    # Only the columns shown (the search keys, arrays of tokens, are the bulk of a row), and the prices with them.
    found = list(Product.objects.filter(pk__in=ids).order_by("code", "pk").only("id", "code", "name", "spec", "unit")
                 .annotate(price_texts=services.prices_subquery()))
    places = money.places().price
    return [
        {
            "id": p.pk, "label": product_label(p), "note": " · ".join(x for x in (p.spec, p.unit) if x),
            "unit": p.unit,
            "prices": {key: str(money.round_price(value, places)) for key, value in (p.price_texts or {}).items()},
        }
        for p in found
    ]


@require_GET
def product_pick(request: HttpRequest) -> JsonResponse:
    """Matches for ``web.pickers.ProductPickerField`` (pinyin, code, barcode)."""
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"detail": _("Sign in first.")}, status=401)
    if not may_view(user):
        return JsonResponse({"detail": denial_message(user, "products", "view")}, status=403)
    return JsonResponse({"results": pick_results(request.GET.get("q", ""))})


# --- categories ----------------------------------------------------------------------------------


def _tree(nodes: list[tuple[Category, int]], counts: dict[int, int]) -> list[dict]:
    """The flat depth-first list as nested dicts for the template."""
    root: list[dict] = []
    stack: list[tuple[int, list[dict]]] = [(-1, root)]
    for category, depth in nodes:
        while stack[-1][0] >= depth:
            stack.pop()
        item = {"category": category, "children": [], "count": counts.get(category.pk, 0)}
        stack[-1][1].append(item)
        stack.append((depth, item["children"]))
    return root


@permission_required("products", "view")
def category_list(request: HttpRequest) -> HttpResponse:
    from django.db.models import Count

    counts = dict(Product.objects.values("category_id").annotate(n=Count("id")).values_list("category_id", "n"))
    nodes = services.category_tree()
    return render(request, "products/categories.html", {
        "tree": _tree(nodes, counts), "form": CategoryForm(), "may_edit": may_manage_catalogue(request.user),
        "flat": nodes,
    })


def _category_redirect() -> HttpResponse:
    return redirect("products:categories")


@require_POST
@permission_required("products", "edit")
def category_add(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            services.create_category(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Category “%(name)s” has been added.") % {"name": form.cleaned_data["name"]})
            return _category_redirect()
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _category_redirect()


@require_POST
@permission_required("products", "edit")
def category_rename(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    try:
        services.rename_category(category, by=request.user, name=request.POST.get("name", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _category_redirect()


@require_POST
@permission_required("products", "edit")
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    try:
        services.delete_category(category, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Category “%(name)s” has been deleted.") % {"name": category.name})
    return _category_redirect()


@require_POST
@permission_required("products", "edit")
def category_move(request: HttpRequest, pk: int) -> JsonResponse:
    """Drag and drop: ``parent`` (an id or empty for the top level) and ``position`` among its children."""
    category = get_object_or_404(Category, pk=pk)
    parent_raw = request.POST.get("parent", "")
    parent = get_object_or_404(Category, pk=int(parent_raw)) if parent_raw.isdigit() else None
    try:
        position = int(request.POST.get("position", "0"))
        services.move_category(category, by=request.user, parent=parent, position=position)
    except ValueError:
        return JsonResponse({"detail": _("The position must be a whole number.")}, status=400)
    except ValidationError as exc:
        return JsonResponse({"detail": " ".join(exc.messages), "errors": exc.message_dict}, status=400)
    return JsonResponse({"detail": _("The order has been saved.")})


# --- price strategies ----------------------------------------------------------------------------


@permission_required("products", "view")
def strategy_list(request: HttpRequest) -> HttpResponse:
    return render(request, "products/strategies.html", {
        "strategies": services.strategies(), "form": StrategyForm(), "may_edit": request.user.is_boss,
    })


@require_POST
@boss_required
def strategy_change(request: HttpRequest, action: str, pk: int | None = None) -> HttpResponse:
    """Add, rename or delete a price strategy (the Boss's); a refusal comes back as a message."""
    strategy = get_object_or_404(PriceStrategy, pk=pk) if pk is not None else None
    name = request.POST.get("name", "")
    calls = {
        "add": lambda: services.create_strategy(by=request.user, name=name),
        "rename": lambda: services.rename_strategy(strategy, by=request.user, name=name),
        "delete": lambda: services.delete_strategy(strategy, by=request.user),
    }
    try:
        calls[action]()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("products:strategies")
