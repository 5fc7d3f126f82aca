"""What a sales target can measure (TGT-01), registered by the apps that own the facts.

The targets app never imports them: contracts register the signed contract amount, customers the
new customers, the payments app (at its merge) the payment amount, each from its own start-up::

    from saas_core.targets.measures import Measure, register

    register(Measure("contract_amount", _("Contract amount"), actuals=signed_by_owner_and_month))

``actuals(owner_ids, date_from, date_to)`` returns ``{(owner_id, "YYYY-MM"): Decimal}`` for the
owners given (None: everybody) and the days from ``date_from`` to ``date_to`` inclusive, computed
by one SQL aggregate (GROUP BY owner, month) over an indexed column, never a loop over rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise

Actuals = Callable[[Iterable[int] | None, date, date], dict[tuple[int, str], Decimal]]


@dataclass(frozen=True)
class Measure:
    key: str  # stored on targets, never renamed
    label: str | Promise
    actuals: Actuals
    money: bool = True  # amounts (2 places) or counts (whole numbers)
    order: int = 100


_measures: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    _measures[measure.key] = measure
    return measure


def measures() -> list[Measure]:
    return sorted(_measures.values(), key=lambda m: (m.order, m.key))


def get(key: str) -> Measure | None:
    return _measures.get(key)


def by_owner_and_month(rows: Iterable[dict], value: str = "value") -> dict[tuple[int, str], Decimal]:
    """The rows of a ``values("owner_id", "month").annotate(value=...)`` query as the registry's map."""
    return {(row["owner_id"], row["month"].strftime("%Y-%m")): Decimal(row[value] or 0) for row in rows}
