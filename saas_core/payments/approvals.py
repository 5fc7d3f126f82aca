"""Payment records and invoices as approval document types (APR-01): when the Boss's flow picks
one (e.g. over an amount), it does not count (received, invoiced) until approved; while pending its
amount is locked."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas_core.approvals.registry import ConditionField, DocumentType, register
from saas_core.payments.models import Confirmable, Invoice, PaymentRecord


def _customer_categories() -> list[tuple[str, str]]:
    from saas_core.dictionaries.models import DictionaryItem

    return [(item.key, str(item)) for item in DictionaryItem.objects.filter(type__key="customer_category",
                                                                           is_active=True)]


def condition_values(obj: PaymentRecord | Invoice) -> dict:
    category = obj.customer.category if obj.customer.category_id else None
    return {"amount": obj.amount, "customer_category": category.key if category else None,
            "department": obj.owner.department_id, "owner_role": obj.owner.role}


def _status(status: str):
    def callback(obj, by=None) -> None:
        from saas_core.payments.services import set_confirmation

        set_confirmation(obj, status)

    return callback


def _document_type(key: str, label, model, url_name: str, amount_label, order: int) -> DocumentType:
    return register(DocumentType(
        key=key, label=label, model=model, module="payments",
        fields=(ConditionField.amount(amount_label), ConditionField.customer_category(_customer_categories),
                ConditionField.department(), ConditionField.owner_role()),
        values=condition_values, initiator=lambda obj: obj.owner,
        url=lambda obj: reverse(url_name, args=[obj.pk]),
        label_of=lambda obj: f"{obj.number} {obj.customer.name}".strip(),
        locked_fields=("amount",), on_locked=_status(Confirmable.PENDING_APPROVAL),
        on_approved=_status(Confirmable.CONFIRMED), on_rejected=_status(Confirmable.DRAFT),
        on_withdrawn=_status(Confirmable.DRAFT), order=order,
    ))


PAYMENT_RECORD = _document_type("payments.record", _("Payment record"), PaymentRecord, "payments:record_detail",
                                _("Amount received"), 40)
INVOICE = _document_type("payments.invoice", _("Invoice"), Invoice, "payments:invoice_detail",
                         _("Invoice amount"), 50)
