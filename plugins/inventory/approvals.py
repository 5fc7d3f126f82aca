"""Purchase orders as an approval document type (APR-01): where the company's flow picks a purchase
order (e.g. over an amount), it must be approved before it is placed; approval places it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plugins.inventory.models import PurchaseOrder
from saas_core.approvals.registry import ConditionField, DocumentType, register


def _values(order: PurchaseOrder) -> dict:
    return {"amount": order.total, "department": order.owner.department_id, "owner_role": order.owner.role}


def _placed_when_approved(order: PurchaseOrder, by) -> None:
    if order.status == PurchaseOrder.Status.DRAFT:
        order.status = PurchaseOrder.Status.ORDERED
        order.save(update_fields=["status"])


PURCHASE_ORDER = register(DocumentType(
    key="inventory.purchaseorder",
    label=_("Purchase order"),
    model=PurchaseOrder,
    module="purchasing",
    fields=(ConditionField.amount(_("Purchase order total")), ConditionField.department(),
            ConditionField.owner_role()),
    values=_values,
    initiator=lambda order: order.owner,
    url=lambda order: reverse("inventory:purchase", args=[order.pk]),
    label_of=lambda order: f"{order.number} {order.supplier.name}",
    locked_fields=("lines", "total"),
    on_approved=_placed_when_approved,
    order=60,
))
