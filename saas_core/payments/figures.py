"""The figures of receivables: the workbench's receivables, the customer 360° business totals and
monthly statement, the contract list's received % and plan progress, the customer list's top-10.

Every figure is an SQL aggregate over indexed columns, through the viewer's data scope; Python
only merges a handful of grouped rows (months), never the records themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from saas_core.accounts.models import User
from saas_core.contracts.models import Contract, DeliveryRecord
from saas_core.orders.models import Order, OrderLine, ShipmentLine
from saas_core.org.scope import visible
from saas_core.payments.models import PaymentPlan, PaymentRecord
from saas_core.payments.services import MONEY, ZERO, invoices_for, plans_for, records_for
from saas_core.tenancy import company_today

SOON_DAYS = 30
WORKBENCH_ROWS = 8
TOP = 10
CONFIRMED = PaymentRecord.Status.CONFIRMED
SIGNED = ~Q(status__in=["draft", "void"])
ORDERED = ~Q(status__in=["draft", "cancelled"])


def _sum(queryset: QuerySet, field: str = "amount") -> Decimal:
    return queryset.order_by().aggregate(s=Sum(field))["s"] or ZERO


# --- workbench -------------------------------------------------------------------------------------------


def open_plans(user: User) -> QuerySet[PaymentPlan]:
    """Installments still owed (not void, not fully received) within ``user``'s scope (the partial index)."""
    return plans_for(user).filter(voided=False, received__lt=F("amount"))


def receivables(user: User, today: date | None = None, *, mine_only: bool = False) -> dict:
    """Overdue and due in the next 30 days: count and amount owed of each, and the earliest rows."""
    today = today or company_today()
    owed = ExpressionWrapper(F("amount") - F("received"), output_field=MONEY)
    plans = open_plans(user).filter(due_on__lte=today + timedelta(days=SOON_DAYS))
    if mine_only:
        plans = plans.filter(owner=user)
    sums = plans.order_by().aggregate(
        overdue_n=Count("pk", filter=Q(due_on__lt=today)), overdue=Sum(owed, filter=Q(due_on__lt=today)),
        soon_n=Count("pk", filter=Q(due_on__gte=today)), soon=Sum(owed, filter=Q(due_on__gte=today)))
    rows = list(plans.select_related("customer", "contract", "order").order_by("due_on", "id")[:WORKBENCH_ROWS])
    for row in rows:
        row.overdue = row.due_on < today
    return {"overdue_count": sums["overdue_n"], "overdue": sums["overdue"] or ZERO, "soon_count": sums["soon_n"],
            "soon": sums["soon"] or ZERO, "rows": rows, "today": today}


# --- customer 360° -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessTotals:
    contracts: Decimal  # signed contracts (not draft or void)
    orders: Decimal  # orders not made from a contract (so a contract's order is not counted twice)
    planned: Decimal
    received: Decimal
    delivered: Decimal
    invoiced: Decimal

    @property
    def sales(self) -> Decimal:
        return self.contracts + self.orders

    @property
    def outstanding(self) -> Decimal:
        return max(self.sales - self.received, ZERO)

    @property
    def uninvoiced(self) -> Decimal:
        return max(self.received - self.invoiced, ZERO)


def delivered_lines(orders: QuerySet[Order]) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order__in=orders)


DELIVERED_VALUE = ExpressionWrapper(F("total") * F("delivered") / F("quantity"), output_field=DecimalField())


def business_totals(user: User, customer) -> BusinessTotals:
    """The customer's totals within ``user``'s scope, one aggregate per kind of document."""
    contracts = visible(Contract.objects.filter(customer=customer), user).filter(SIGNED)
    orders = visible(Order.objects.filter(customer=customer), user).filter(ORDERED)
    delivered = _sum(DeliveryRecord.objects.filter(contract__in=contracts)) + _sum(
        delivered_lines(orders), DELIVERED_VALUE)
    return BusinessTotals(
        contracts=_sum(contracts, "total"), orders=_sum(orders.filter(contract__isnull=True), "total"),
        planned=_sum(plans_for(user).filter(customer=customer, voided=False)),
        received=_sum(records_for(user).filter(customer=customer, status=CONFIRMED)),
        delivered=delivered,
        invoiced=_sum(invoices_for(user).filter(customer=customer, status=CONFIRMED)),
    )


def outstanding(user: User, customer) -> Decimal:
    """The header figure: what the customer still owes (signed sales − received), three aggregates."""
    contracts = visible(Contract.objects.filter(customer=customer), user).filter(SIGNED)
    orders = visible(Order.objects.filter(customer=customer, contract__isnull=True), user).filter(ORDERED)
    received = _sum(records_for(user).filter(customer=customer, status=CONFIRMED))
    return max(_sum(contracts, "total") + _sum(orders, "total") - received, ZERO)


def monthly_statement(user: User, customer) -> list[dict]:
    """对账单: per month, the value delivered, the money received and the running balance owed
    (delivered so far − received so far), oldest month first."""
    contracts = visible(Contract.objects.filter(customer=customer), user).filter(SIGNED)
    orders = visible(Order.objects.filter(customer=customer), user).filter(ORDERED)
    months: dict[date, dict] = {}

    def add(rows, key):
        for row in rows:
            month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
            months.setdefault(month, {"delivered": ZERO, "received": ZERO})[key] += row["value"] or ZERO

    add(DeliveryRecord.objects.filter(contract__in=contracts).order_by().annotate(month=TruncMonth("delivered_on"))
        .values("month").annotate(value=Sum("amount")), "delivered")
    shipped = ExpressionWrapper(F("quantity") * F("order_line__total") / F("order_line__quantity"),
                                output_field=DecimalField())
    add(ShipmentLine.objects.filter(shipment__order__in=orders, shipment__voided_at__isnull=True).order_by()
        .annotate(month=TruncMonth("shipment__shipped_on")).values("month").annotate(value=Sum(shipped)), "delivered")
    add(records_for(user).filter(customer=customer, status=CONFIRMED).order_by()
        .annotate(month=TruncMonth("received_on")).values("month").annotate(value=Sum("amount")), "received")
    balance, out = ZERO, []
    for month in sorted(months):
        row = months[month]
        balance += row["delivered"] - row["received"]
        out.append({"month": month, "delivered": row["delivered"], "received": row["received"], "balance": balance})
    return out


# --- the contract list -------------------------------------------------------------------------------------


def with_progress(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """Each contract's ``received`` (Σ confirmed payments), ``plans_done``/``plans_count`` (k/n of
    its live, non-void installments) as correlated subqueries: computed for the page's rows only."""
    received = (PaymentRecord.objects.filter(contract=OuterRef("pk"), status=CONFIRMED).order_by()
                .values("contract").annotate(s=Sum("amount")).values("s"))
    plans = PaymentPlan.objects.filter(contract=OuterRef("pk"), voided=False).order_by().values("contract")
    return contracts.annotate(
        received=Coalesce(Subquery(received, output_field=MONEY), Value(ZERO), output_field=MONEY),
        plans_count=Coalesce(Subquery(plans.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0),
        plans_done=Coalesce(Subquery(plans.filter(received__gte=F("amount")).annotate(n=Count("pk")).values("n"),
                                     output_field=IntegerField()), 0),
    )


def received_percent(contract: Contract) -> Decimal | None:
    if not contract.total:
        return None
    return (Decimal(contract.received) * 100 / contract.total).quantize(Decimal("0.1"))


# --- the customer list's top 10 ----------------------------------------------------------------------------


def top_by_contracts(customers: QuerySet, user: User, *, top: int = TOP) -> list[dict]:
    """The ``top`` customers of the (filtered, scoped) list by signed contract amount."""
    rows = (visible(Contract.objects.filter(customer__in=customers.order_by().values("pk")), user).filter(SIGNED)
            .order_by().values("customer_id", "customer__name").annotate(value=Sum("total"))
            .order_by("-value", "customer_id")[:top])
    return [{"key": r["customer_id"], "label": r["customer__name"], "value": float(r["value"])} for r in rows]


def top_by_payments(customers: QuerySet, user: User, *, top: int = TOP) -> list[dict]:
    """The ``top`` customers of the (filtered, scoped) list by confirmed payments received."""
    rows = (records_for(user).filter(customer__in=customers.order_by().values("pk"), status=CONFIRMED)
            .order_by().values("customer_id", "customer__name").annotate(value=Sum("amount"))
            .order_by("-value", "customer_id")[:top])
    return [{"key": r["customer_id"], "label": r["customer__name"], "value": float(r["value"])} for r in rows]

