"""What the inventory lists show, for the pages, the API and the exports alike."""

from __future__ import annotations

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Sum

from plugins.inventory.models import Balance, Document, Move, StockRule
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
    # The unique (product, warehouse) index gives this order: the first page of 500,000 balances is
    # an index scan, not a sort of the whole table joined to the products.
    return rows.order_by("product_id", "warehouse_id")


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


def assets(*, warehouse=None) -> list[dict]:
    """The stock assets report (库存资产表): per warehouse and product category, the products in
    stock, their quantity and value, from the balance table."""
    rows = Balance.objects.exclude(quantity=0, value=0)
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    return list(rows.values("warehouse_id", "warehouse__name", "product__category_id", "product__category__name")
                .annotate(products=Count("id"), quantity=Sum("quantity"), value=Sum("value"))
                .order_by("warehouse__position", "warehouse__code", "warehouse_id", "product__category__name"))


def stock_alerts(*, limit: int = 10) -> tuple[list[dict], list[dict]]:
    """Products under their minimum and over their maximum stock (all warehouses together), the
    furthest out first: ``[{"product", "quantity", "limit"}]`` each, at most ``limit``."""
    from django.db.models import Subquery
    from django.db.models import Value as V
    from django.db.models.functions import Coalesce

    total = Subquery(Balance.objects.filter(product=OuterRef("product")).values("product")
                     .annotate(q=Sum("quantity")).values("q"))
    rules = (StockRule.objects.filter(Q(min_quantity__isnull=False) | Q(max_quantity__isnull=False))
             .annotate(on_hand=Coalesce(total, V(0), output_field=DecimalField(max_digits=18, decimal_places=6)))
             .select_related("product"))
    low = [{"product": r.product, "quantity": r.on_hand, "limit": r.min_quantity}
           for r in rules.filter(min_quantity__isnull=False, on_hand__lt=F("min_quantity"))
           .order_by(F("on_hand") - F("min_quantity"))[:limit]]
    high = [{"product": r.product, "quantity": r.on_hand, "limit": r.max_quantity}
            for r in rules.filter(max_quantity__isnull=False, on_hand__gt=F("max_quantity"))
            .order_by(F("max_quantity") - F("on_hand"))[:limit]]
    return low, high
