"""The vendor's list of companies: one query with plan, seats and MRR computed by the database.

MRR (monthly recurring revenue) counts what a company pays for, in its plan's currency and in
minor units as a Decimal: plan price per seat × seats (a yearly price divided by 12) plus its
add-on modules' monthly prices. A module whose plugin is not installed here is no revenue: its
add-on does not count, and a plan that includes one counts less that module's monthly price (the
part ``crm refund-uninstalled-modules`` gives back). Only companies whose subscription is paid at Stripe and still
running (active or past due) count; a trial pays nothing yet.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest

from billing.models import Plan, Subscription, installed_module_keys
from tenants.models import Tenant

MONEY = DecimalField(max_digits=20, decimal_places=4)
PAYING = (Tenant.Status.ACTIVE, Tenant.Status.PAST_DUE)
SORT_FIELDS = {
    "name": "name", "created": "created_at", "status": "status", "plan": "subscription__plan__name",
    "seats": "subscription__seats", "mrr": "mrr_minor", "activity": "last_activity_at",
}


def with_figures(queryset: QuerySet[Tenant]) -> QuerySet[Tenant]:
    """Annotate ``mrr_minor`` (Decimal, minor units), ``currency``, ``plan_name`` and ``seats``."""
    seat_part = ExpressionWrapper(
        Cast("subscription__plan__price_per_seat_minor", MONEY) * Cast("subscription__seats", MONEY),
        output_field=MONEY)
    monthly = Case(When(subscription__plan__interval="year", then=seat_part / Value(Decimal(12), MONEY)),
                   default=seat_part, output_field=MONEY)
    installed = installed_module_keys()
    add_ons = Subquery(
        Subscription.modules.through.objects.filter(subscription_id=OuterRef("subscription__pk"), module_id__in=installed)
        .values("subscription_id").annotate(total=Sum("module__price_minor")).values("total"),
        output_field=MONEY)
    absent_in_plan = Subquery(
        Plan.included_modules.through.objects.filter(plan_id=OuterRef("subscription__plan_id"))
        .exclude(module_id__in=installed).values("plan_id").annotate(total=Sum("module__price_minor")).values("total"),
        output_field=MONEY)
    plan_part = Greatest(monthly - Coalesce(absent_in_plan, Value(Decimal(0), MONEY)), Value(Decimal(0), MONEY),
                         output_field=MONEY)
    paying = Q(status__in=PAYING) & ~Q(subscription__stripe_subscription_id="")
    return queryset.annotate(
        mrr_minor=Case(When(paying, then=plan_part + Coalesce(add_ons, Value(Decimal(0), MONEY))),
                       default=Value(Decimal(0), MONEY), output_field=MONEY),
        currency_code=F("subscription__plan__currency"),
        plan_name=F("subscription__plan__name"),
        seats=F("subscription__seats"),
    )


def filtered(queryset: QuerySet[Tenant], *, q: str = "", status: str = "", plan=None) -> QuerySet[Tenant]:
    if q:
        queryset = queryset.filter(
            Q(name__icontains=q) | Q(schema_name__icontains=q)
            | Q(pk__in=Tenant.objects.filter(domains__domain__icontains=q).values("pk")))
    if status == "suspended":
        queryset = queryset.filter(suspended_at__isnull=False)
    elif status:
        queryset = queryset.filter(status=status)
    if plan is not None:
        queryset = queryset.filter(subscription__plan=plan)
    return queryset


def sorted_by(queryset: QuerySet[Tenant], sort: str) -> QuerySet[Tenant]:
    field = SORT_FIELDS.get(sort.lstrip("-"), "created_at")
    expression = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    return queryset.order_by(expression, "pk")


def mrr_totals(queryset: QuerySet[Tenant]) -> list[tuple[str, Decimal]]:
    """MRR of these companies, summed per currency (minor units), largest first."""
    rows = (with_figures(queryset.order_by()).filter(mrr_minor__gt=0).values("currency_code")
            .annotate(total=Sum("mrr_minor")).order_by("-total"))
    return [(row["currency_code"], row["total"]) for row in rows]
