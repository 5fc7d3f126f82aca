"""What orders show elsewhere: the customer 360°'s Orders panel and its figure, and the
workbench's confirmed orders still to ship; each through the user's data scope."""

from __future__ import annotations

from django.db.models import Count, Sum

PANEL_ROWS = 20
WORKBENCH_ROWS = 8


def customer_orders(request, customer) -> dict | None:
    from saas_core.customers import access
    from saas_core.orders import services
    from saas_core.org.access import can

    user = request.user
    mine = services.orders_for(user).filter(customer=customer)
    rows = list(mine.select_related("owner").order_by("-ordered_on", "-id")[:PANEL_ROWS])
    sums = mine.exclude(status__in=["cancelled", "draft"]).aggregate(total=Sum("total"), n=Count("id"))
    return {"orders": rows, "ordered_total": sums["total"] or 0, "ordered_count": sums["n"],
            "can_add": can(user, "contracts", "create") and access.can_view(user, customer)}


def count(request, customer) -> int:
    from saas_core.orders import services

    return services.open_to_ship(request.user).filter(customer=customer).count()


def workbench(request) -> dict | None:
    """My confirmed orders with something left to ship, the longest waiting first."""
    from saas_core.orders import services
    from saas_core.org.access import can

    user = request.user
    if not can(user, "contracts", "view"):
        return None
    rows = list(services.open_to_ship(user).filter(owner=user).select_related("customer")
                .order_by("ordered_on", "id")[:WORKBENCH_ROWS])
    return {"orders": rows, "more": len(rows) == WORKBENCH_ROWS}
