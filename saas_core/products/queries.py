"""The product list's filters and sorting, shared by the page, the API and the export."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet

from saas_core.products.access import may_see_cost
from saas_core.products.models import Category, Product
from saas_core.products.search import search_products
from saas_core.products.services import descendant_ids

SORTS = {
    "code": ("code", "id"), "name": ("name", "id"), "category": ("category__position", "category_id", "code", "id"),
    "created": ("created_at", "id"), "cost": ("cost_price", "id"),
}
STATUSES = ("on_sale", "discontinued")


def sort_key(params: Mapping, user) -> str:
    """The requested sort if it is offered to this user (sorting by cost would reveal it), else code."""
    wanted = (params.get("sort") or "code").strip()
    key = wanted.lstrip("-")
    if key not in SORTS or (key == "cost" and not may_see_cost(user)):
        return "code"
    return wanted


def filtered(params: Mapping, user) -> QuerySet:
    """Products matching the list's filters: q (search), category (with its subcategories),
    status (on_sale / discontinued), review (needs cost review), sorted by ``sort``."""
    queryset = Product.objects.select_related("category")
    query = (params.get("q") or "").strip()
    if query:
        queryset = search_products(queryset, query)
    category = params.get("category") or ""
    if str(category).isdigit():
        node = Category.objects.filter(pk=int(category)).first()
        queryset = queryset.filter(category_id__in=descendant_ids(node)) if node else queryset.none()
    status = params.get("status") or ""
    if status == "on_sale":
        queryset = queryset.filter(discontinued=False)
    elif status == "discontinued":
        queryset = queryset.filter(discontinued=True)
    if params.get("review") in ("1", "true", "on"):
        queryset = queryset.filter(needs_cost_review=True)
    sort = sort_key(params, user)
    fields = SORTS[sort.lstrip("-")]
    if sort.startswith("-"):
        fields = tuple(f"-{f}" for f in fields)
    return queryset.order_by(*fields)
