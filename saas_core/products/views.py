"""Product pages; every change goes through saas_core.products.services."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from saas_core.org.access import denial_message
from saas_core.products import services
from saas_core.products.access import may_view
from saas_core.products.models import Product
from saas_core.products.search import search_products

PICK_LIMIT = 20


def pick_results(user, query: str) -> list[dict]:
    """The product picker's matches: products on sale only, with unit and strategy prices (never the cost)."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    found = list(search_products(services.pickable(), query).order_by("code", "pk")[:PICK_LIMIT])
    prices = services.price_map(found)
    return [
        {
            "id": p.pk, "label": product_label(p), "note": " · ".join(x for x in (p.spec, p.unit) if x),
            "unit": p.unit, "prices": {key: str(value) for key, value in prices[p.pk].items()},
        }
        for p in found
    ]


def product_label(product: Product) -> str:
    return f"{product.name} ({product.code})"


@require_GET
def product_pick(request: HttpRequest) -> JsonResponse:
    """Matches for ``web.pickers.ProductPickerField`` (pinyin, code, barcode)."""
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"detail": _("Sign in first.")}, status=401)
    if not may_view(user):
        return JsonResponse({"detail": denial_message(user, "products", "view")}, status=403)
    return JsonResponse({"results": pick_results(user, request.GET.get("q", ""))})
