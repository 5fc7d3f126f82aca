"""Orders as an approval document type (APR-01): an order the Boss's flow picks is confirmed by
its approval, not by hand; while pending its amounts and lines are locked. The confirmation is
the orders' own ``confirm_approved``, so the modules hear ``crm_order_confirmed`` once."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saas_core.lines.approvals import register_sales_document
from saas_core.orders import services
from saas_core.orders.models import Order, OrderLine

ORDER = register_sales_document(
    key="orders.order", label=_("Order"), amount_label=_("Order total"), model=Order, line_model=OrderLine,
    parent_field="order", module="contracts", url_name="orders:detail", order=30,
    label_of=lambda order: f"{order.number} {order.customer.name}".strip(),
    statuses=(Order.Status.DRAFT, Order.Status.PENDING_APPROVAL), on_approved=services.confirm_approved,
)
