"""Quotes as an approval document type (APR-01): a quote the Boss's flow picks (e.g. over an
amount) must be approved before it can be sent; while pending its amounts and lines are locked."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas_core.approvals.registry import ConditionField, DocumentType, register
from saas_core.quotes.models import Quote, QuoteLine

HUNDRED = Decimal(100)


def _customer_categories() -> list[tuple[str, str]]:
    from saas_core.dictionaries.models import DictionaryItem

    return [(item.key, str(item)) for item in DictionaryItem.objects.filter(type__key="customer_category",
                                                                           is_active=True)]


def overall_discount(quote: Quote) -> Decimal:
    """How far below its list prices the quote is, in %: 1 − total / Σ quantity × unit price."""
    gross = QuoteLine.objects.filter(quote=quote).aggregate(
        gross=Sum(ExpressionWrapper(F("quantity") * F("unit_price"), output_field=DecimalField())))["gross"]
    if not gross:
        return Decimal(0)
    return ((gross - quote.total) / gross * HUNDRED).quantize(Decimal("0.01"))


def condition_values(quote: Quote) -> dict:
    category = quote.customer.category if quote.customer_id and quote.customer.category_id else None
    return {
        "amount": quote.total,
        "discount": overall_discount(quote),
        "customer_category": category.key if category else None,
        "department": quote.owner.department_id,
        "owner_role": quote.owner.role,
    }


QUOTE = register(DocumentType(
    key="quotes.quote",
    label=_("Quote"),
    model=Quote,
    module="quotes",
    fields=(ConditionField.amount(_("Quote total")), ConditionField.discount(),
            ConditionField.customer_category(_customer_categories), ConditionField.department(),
            ConditionField.owner_role()),
    values=condition_values,
    initiator=lambda quote: quote.owner,
    url=lambda quote: reverse("quotes:detail", args=[quote.pk]),
    label_of=lambda quote: f"{quote.number} {quote.customer.name}".strip(),
    locked_fields=("lines", "discount", "total"),
    order=10,
))
