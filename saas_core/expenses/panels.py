"""What expenses show on the customer 360°: the Expenses panel (total and the latest claims) and
the figure of the expense total, through the user's data scope; sums are SQL aggregates."""

from __future__ import annotations

PANEL_ROWS = 20


def customer_expenses(request, customer) -> dict | None:
    from saas_core.customers import access
    from saas_core.expenses import services
    from saas_core.org.access import can

    user = request.user
    rows = list(services.expenses_for(user).filter(customer=customer).select_related("owner", "type")
                .order_by("-spent_on", "-id")[:PANEL_ROWS])
    return {"expenses": rows, **services.customer_totals(user, customer),
            "can_add": can(user, "expenses", "create") and access.can_view(user, customer)}


def total(request, customer):
    from saas_core.expenses import services

    return services.customer_totals(request.user, customer)["total"]
