"""The ledger's invariants, checked by ``manage.py check_stock`` and after every concurrency test."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Violation:
    product_id: int
    warehouse_id: int
    problem: str

    def __str__(self) -> str:
        return f"product {self.product_id} in warehouse {self.warehouse_id}: {self.problem}"


# One pass over the ledger grouped by (product, warehouse), joined to the balances both ways.
_SQL = """
WITH sums AS (
    SELECT product_id, warehouse_id, SUM(quantity) AS quantity, SUM(value) AS value
    FROM inventory_move GROUP BY product_id, warehouse_id
)
SELECT COALESCE(b.product_id, s.product_id), COALESCE(b.warehouse_id, s.warehouse_id),
       COALESCE(b.quantity, 0), COALESCE(b.value, 0), COALESCE(s.quantity, 0), COALESCE(s.value, 0)
FROM inventory_balance b FULL OUTER JOIN sums s
  ON s.product_id = b.product_id AND s.warehouse_id = b.warehouse_id
"""


def violations(*, negative_allowed: set[int] | frozenset[int] | None = None) -> list[Violation]:
    """Every (product, warehouse) whose balance is not the sum of its moves, whose value is not
    exactly 0 at quantity 0, or whose quantity is below zero (unless the product may go negative;
    default: the company's rules now)."""
    if negative_allowed is None:
        negative_allowed = _products_allowed_negative()
    found: list[Violation] = []
    with connection.cursor() as cursor:
        cursor.execute(_SQL)
        for product, warehouse, qty, value, moved_qty, moved_value in cursor.fetchall():
            if qty != moved_qty:
                found.append(Violation(product, warehouse, f"quantity {qty} ≠ Σ moves {moved_qty}"))
            if value != moved_value:
                found.append(Violation(product, warehouse, f"value {value} ≠ Σ moves {moved_value}"))
            if qty == 0 and value != 0:
                found.append(Violation(product, warehouse, f"value {value} at quantity 0"))
            if qty < 0 and product not in negative_allowed:
                found.append(Violation(product, warehouse, f"quantity {qty} below zero"))
    return found


def _products_allowed_negative() -> set[int]:
    from plugins.inventory.models import Balance
    from plugins.inventory.posting import company_settings, negative_allowed

    below = set(Balance.objects.filter(quantity__lt=0).values_list("product_id", flat=True))
    allowed = negative_allowed(below, company_settings().allow_negative)
    return {pk for pk, ok in allowed.items() if ok}
