"""What a change to a subscription costs, computed before the Boss confirms it.

localstripe has no upcoming-invoice preview for our changes (and books its own "Unused
time" credits), so the proration is computed here from the plan prices and the current
period, and booked at Stripe as one invoice item on the next invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from billing.models import Module, Plan


@dataclass
class Quote:
    currency: str
    plan_total: int  # per billing interval: price per seat × seats
    modules_total: int  # per month: the add-ons not included in the plan
    proration: int  # on the next invoice: the plan change for the rest of this period (negative: a credit)
    charged_now: int  # new add-on modules, charged at once (their first month)
    module_credit: int  # removed add-on modules: unused time, credited on the next invoice
    added: list[Module] = field(default_factory=list)
    removed: list[Module] = field(default_factory=list)
    period_end: datetime | None = None
    remaining_fraction: Decimal = Decimal(0)

    @property
    def next_invoice_adjustment(self) -> int:
        return self.proration - self.module_credit


def plan_total(plan: Plan, seats: int) -> int:
    return plan.price_per_seat_minor * seats


def remaining_fraction(start: datetime | None, end: datetime | None, now: datetime | None = None) -> Decimal:
    if not start or not end or end <= start:
        return Decimal(0)
    now = now or timezone.now()
    left = max((end - now).total_seconds(), 0)
    return min(Decimal(str(left)) / Decimal(str((end - start).total_seconds())), Decimal(1))


def prorate(amount: int, fraction: Decimal) -> int:
    return int((Decimal(amount) * fraction).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quote(*, old_plan: Plan | None, old_seats: int, old_modules: set[str], plan: Plan, seats: int,
          modules: list[Module], period_start: datetime | None, period_end: datetime | None,
          module_periods: dict[str, tuple[datetime, datetime]] | None = None,
          now: datetime | None = None) -> Quote:
    """The figures the confirmation page shows; ``billing.services.change`` books the same ones."""
    included = set(plan.included_modules.values_list("key", flat=True))
    addons = [m for m in modules if m.key not in included]
    fraction = remaining_fraction(period_start, period_end, now)
    proration = 0
    if old_plan is not None:
        proration = prorate(plan_total(plan, seats) - plan_total(old_plan, old_seats), fraction)
    added = [m for m in addons if m.key not in old_modules]
    removed = list(Module.objects.filter(key__in=old_modules - {m.key for m in addons}))
    credit = 0
    for module in removed:
        start, end = (module_periods or {}).get(module.key, (None, None))
        credit += prorate(module.price_minor, remaining_fraction(start, end, now))
    return Quote(
        currency=plan.currency, plan_total=plan_total(plan, seats),
        modules_total=sum(m.price_minor for m in addons), proration=proration,
        charged_now=sum(m.price_minor for m in added), module_credit=credit,
        added=added, removed=removed, period_end=period_end, remaining_fraction=fraction,
    )
