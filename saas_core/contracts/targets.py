"""The contract amount as a sales-target measure (TGT-01): Σ signed contracts' totals by owner and
the month of signing, one SQL aggregate over the (signed_on, owner) index."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from saas_core.contracts.models import Contract
from saas_core.targets.measures import Measure, by_owner_and_month, register

SIGNED = (Contract.Status.IN_PROGRESS, Contract.Status.COMPLETED, Contract.Status.TERMINATED)


def signed_amounts(owner_ids: Iterable[int] | None, date_from: date, date_to: date) -> dict[tuple[int, str], Decimal]:
    contracts = Contract.objects.filter(signed_on__gte=date_from, signed_on__lte=date_to, status__in=SIGNED)
    if owner_ids is not None:
        contracts = contracts.filter(owner_id__in=list(owner_ids))
    return by_owner_and_month(contracts.annotate(month=TruncMonth("signed_on")).order_by()
                              .values("owner_id", "month").annotate(value=Sum("total")))


register(Measure("contract_amount", _("Contract amount"), actuals=signed_amounts, order=20))
