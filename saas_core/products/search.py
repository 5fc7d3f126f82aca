"""Product search: pinyin, initials and CJK fragments of the name (the customers' search keys), a
code prefix, or an exact barcode."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from saas_core.customers.search import search
from saas_core.customers.search_keys import keys_for

MAX_BARCODE_MATCHES = 50


def apply_search_keys(product) -> None:
    keys = keys_for(product.name)
    product.search_tokens, product.search_initials, product.search_spelled = keys.tokens, keys.initials, keys.spelled


def _may_be_barcode(query: str) -> bool:
    """EAN/UPC and most shop codes: 8 or more letters and digits with at least one digit, no spaces."""
    return len(query) >= 8 and query.isalnum() and query.isascii() and any(c.isdigit() for c in query)


def search_products(queryset: QuerySet, query: str) -> QuerySet:
    """``queryset`` narrowed to the products matching ``query``."""
    query = (query or "").strip()
    found = search(queryset, query, number_field="code")
    if _may_be_barcode(query):
        # A scanned barcode: an indexed equality, resolved first so the OR stays two index scans.
        ids = list(queryset.filter(barcode=query).values_list("pk", flat=True)[:MAX_BARCODE_MATCHES])
        if ids:
            return queryset.filter(Q(pk__in=ids) | Q(pk__in=found.values("pk")))
    return found
