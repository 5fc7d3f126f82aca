"""The approval facts every customer-side sales document reads the same way (quotes, contracts,
orders): its total, how far below list prices it is, its customer's category, its owner's
department and role. Each document app registers its own type from these."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db import models
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.urls import reverse
from django.utils.functional import Promise

from saas_core.approvals.registry import ConditionField, DocumentType, register

HUNDRED = Decimal(100)
LOCKED_FIELDS = ("lines", "discount", "total")


def customer_categories() -> list[tuple[str, str]]:
    from saas_core.dictionaries.models import DictionaryItem

    return [(item.key, str(item)) for item in DictionaryItem.objects.filter(type__key="customer_category",
                                                                           is_active=True)]


def overall_discount(document: models.Model, line_model: type[models.Model], parent_field: str) -> Decimal:
    """How far below its list prices the document is, in %: 1 − total / Σ quantity × unit price."""
    gross = line_model.objects.filter(**{parent_field: document}).aggregate(
        gross=Sum(ExpressionWrapper(F("quantity") * F("unit_price"), output_field=DecimalField())))["gross"]
    if not gross:
        return Decimal(0)
    return ((gross - document.total) / gross * HUNDRED).quantize(Decimal("0.01"))


def condition_values(document: models.Model, line_model: type[models.Model], parent_field: str) -> dict:
    category = document.customer.category if document.customer_id and document.customer.category_id else None
    return {
        "amount": document.total,
        "discount": overall_discount(document, line_model, parent_field),
        "customer_category": category.key if category else None,
        "department": document.owner.department_id,
        "owner_role": document.owner.role,
    }


def register_sales_document(*, key: str, label: str | Promise, amount_label: str | Promise, model: type[models.Model],
                            line_model: type[models.Model], parent_field: str, module: str, url_name: str,
                            order: int, label_of: Callable[[models.Model], str],
                            on_approved: Callable | None = None,
                            statuses: tuple[str, str] | None = None) -> DocumentType:
    """Register a sales document with the five condition fields the issue names, its amounts and
    lines locked while pending. ``statuses=(draft, pending)``: the document's status goes from
    draft to pending when submitted and back when the approval ends (the outcome's callback,
    ``on_approved``, runs after that)."""
    on_locked = on_unlocked = None
    if statuses is not None:
        draft, pending = statuses

        def on_locked(document: models.Model) -> None:
            model.objects.filter(pk=document.pk, status=draft).update(status=pending)

        def on_unlocked(document: models.Model) -> None:
            model.objects.filter(pk=document.pk, status=pending).update(status=draft)

    return register(DocumentType(
        key=key, label=label, model=model, module=module,
        fields=(ConditionField.amount(amount_label), ConditionField.discount(),
                ConditionField.customer_category(customer_categories), ConditionField.department(),
                ConditionField.owner_role()),
        values=lambda document: condition_values(document, line_model, parent_field),
        initiator=lambda document: document.owner,
        url=lambda document: reverse(url_name, args=[document.pk]),
        label_of=label_of, locked_fields=LOCKED_FIELDS, on_locked=on_locked, on_unlocked=on_unlocked,
        on_approved=on_approved, order=order,
    ))
