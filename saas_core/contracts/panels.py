"""What contracts show on the customer 360°: the Contracts panel and the figure of contracts in
progress, each through the user's data scope; totals are SQL aggregates."""

from __future__ import annotations

from django.db.models import Count, Sum

PANEL_ROWS = 20


def customer_contracts(request, customer) -> dict | None:
    from saas_core.contracts import services
    from saas_core.customers import access
    from saas_core.org.access import can

    user = request.user
    mine = services.contracts_for(user).filter(customer=customer)
    rows = list(mine.select_related("owner", "category").order_by("-start_on", "-id")[:PANEL_ROWS])
    sums = mine.exclude(status__in=["void", "draft"]).aggregate(total=Sum("total"), n=Count("id"))
    return {"contracts": rows, "signed_total": sums["total"] or 0, "signed_count": sums["n"],
            "can_add": can(user, "contracts", "create") and access.can_view(user, customer)}


def count(request, customer) -> int:
    from saas_core.contracts import services

    return services.contracts_for(request.user).filter(customer=customer, status="in_progress").count()
