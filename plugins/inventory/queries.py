"""What the inventory lists show, for the pages, the API and the exports alike."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from plugins.inventory.models import Balance, Document, Move
from saas_core.org.access import is_boss
from saas_core.products.models import Product
from saas_core.products.search import search_products


def _matching_products(q: str) -> QuerySet:
    return search_products(Product.objects.all(), q).values("pk")


def stock(*, q: str = "", warehouse=None, nonzero: bool = False, product=None) -> QuerySet[Balance]:
    """Balances (the stock list reads the balance table, never the ledger)."""
    rows = Balance.objects.select_related("product", "warehouse")
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if product is not None:
        rows = rows.filter(product=product)
    if q:
        rows = rows.filter(product__in=_matching_products(q))
    if nonzero:
        rows = rows.exclude(quantity=0)
    return rows.order_by("product__code", "product_id", "warehouse__position", "warehouse_id")


def ledger(*, q: str = "", warehouse=None, kind: str = "", start=None, end=None, product=None) -> QuerySet[Move]:
    rows = Move.objects.select_related("product", "warehouse", "document", "posted_by")
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if product is not None:
        rows = rows.filter(product=product)
    if kind:
        rows = rows.filter(kind=kind)
    if start:
        rows = rows.filter(posted_at__date__gte=start)
    if end:
        rows = rows.filter(posted_at__date__lte=end)
    if q:
        rows = rows.filter(product__in=_matching_products(q))
    return rows.order_by("-posted_at", "-id")


def documents_for(user) -> QuerySet[Document]:
    """Keepers (the warehouse keeper role) see their warehouses' documents; other inventory roles all."""
    rows = Document.objects.select_related("warehouse", "to_warehouse", "created_by", "posted_by")
    if not is_boss(user) and getattr(user, "role", None) == "warehouse_keeper":
        kept = user.kept_warehouses.values("pk")
        rows = rows.filter(Q(warehouse__in=kept) | Q(to_warehouse__in=kept))
    return rows
