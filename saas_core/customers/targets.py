"""New customers as a sales-target measure (TGT-01): customers created by owner and month (in the
company's time zone), one SQL aggregate over the (owner, created_at) index."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from saas_core.customers.models import Customer
from saas_core.targets.measures import Measure, by_owner_and_month, register
from saas_core.tenancy import company_zone


def new_customers(owner_ids: Iterable[int] | None, date_from: date, date_to: date) -> dict[tuple[int, str], Decimal]:
    zone = company_zone()
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
    customers = Customer.objects.filter(created_at__gte=start, created_at__lt=end, owner__isnull=False)
    if owner_ids is not None:
        customers = customers.filter(owner_id__in=list(owner_ids))
    return by_owner_and_month(customers.annotate(month=TruncMonth("created_at", tzinfo=zone)).order_by()
                              .values("owner_id", "month").annotate(value=Count("id")))


register(Measure("new_customers", _("New customers"), actuals=new_customers, money=False, order=30))
