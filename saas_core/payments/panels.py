"""What receivables show elsewhere: the customer 360° business totals, monthly statement and the
Payments and Invoices panels; the workbench's receivables; a contract's or order's payments block.
Each through the viewer's data scope; the figures are SQL aggregates (payments.figures)."""

from __future__ import annotations

PANEL_ROWS = 20


def _may(request, action: str = "view") -> bool:
    from saas_core.org.access import can

    return can(request.user, "payments", action)


def business_totals(request, customer) -> dict | None:
    from saas_core.payments import figures

    return {"totals": figures.business_totals(request.user, customer),
            "statement": figures.monthly_statement(request.user, customer)}


def customer_payments(request, customer) -> dict | None:
    from saas_core.payments import services

    user = request.user
    return {
        "plans": list(services.with_status(services.plans_for(user).filter(customer=customer))
                      .select_related("contract", "order").order_by("due_on", "id")[:PANEL_ROWS]),
        "records": list(services.records_for(user).filter(customer=customer)
                        .select_related("contract", "order", "method").order_by("-received_on", "-id")[:PANEL_ROWS]),
    }


def customer_invoices(request, customer) -> dict | None:
    from saas_core.payments import services

    return {"invoices": list(services.invoices_for(request.user).filter(customer=customer)
                             .select_related("contract", "order").order_by("-issued_on", "-id")[:PANEL_ROWS])}


def outstanding(request, customer) -> str:
    from saas_core.money import round_price
    from saas_core.payments import figures

    return str(round_price(figures.outstanding(request.user, customer)))


def workbench(request) -> dict | None:
    """Receivables overdue and due within 30 days in the viewer's scope."""
    from saas_core.payments import figures

    if not _may(request):
        return None
    return figures.receivables(request.user)


def document_block(request, parent) -> dict | None:
    """A contract's or order's plans, payments and invoices, with the buttons to add the next."""
    from django.db.models import Sum

    from saas_core.payments import services

    if not _may(request):
        return None
    user = request.user
    key = "contract" if parent._meta.model_name == "contract" else "order"
    plans = list(services.with_status(services.plans_for(user).filter(**{key: parent})).select_related("method"))
    records = list(services.records_for(user).filter(**{key: parent}).select_related("method"))
    invoices = list(services.invoices_for(user).filter(**{key: parent}))
    received = services.records_for(user).filter(**{key: parent}, status="confirmed").aggregate(s=Sum("amount"))["s"]
    invoiced = services.invoices_for(user).filter(**{key: parent}, status="confirmed").aggregate(s=Sum("amount"))["s"]
    open_parent = parent.status in services.OPEN_PARENT[type(parent)]
    return {"parent": parent, "parent_key": key, "plans": plans, "records": records, "invoices": invoices,
            "received": received or 0, "invoiced": invoiced or 0,
            "can_add": _may(request, "create") and open_parent}
