"""Quotes as an approval document type (APR-01): a quote the Boss's flow picks (e.g. over an
amount) must be approved before it can be sent; while pending its amounts and lines are locked."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saas_core.lines.approvals import register_sales_document
from saas_core.quotes.models import Quote, QuoteLine

QUOTE = register_sales_document(
    key="quotes.quote", label=_("Quote"), amount_label=_("Quote total"), model=Quote, line_model=QuoteLine,
    parent_field="quote", module="quotes", url_name="quotes:detail", order=10,
    label_of=lambda quote: f"{quote.number} {quote.customer.name}".strip(),
)
