"""Contracts as an approval document type (APR-01): a contract the Boss's flow picks cannot be
signed by hand; it is submitted, waits "awaiting approval" with its amounts and lines locked, and
becomes effective (in progress) when the last step approves. A reject or withdrawal puts it back
to draft for changes and resubmission."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saas_core.contracts import services
from saas_core.contracts.models import Contract, ContractLine
from saas_core.lines.approvals import register_sales_document

CONTRACT = register_sales_document(
    key="contracts.contract", label=_("Contract"), amount_label=_("Contract total"), model=Contract,
    line_model=ContractLine, parent_field="contract", module="contracts", url_name="contracts:detail", order=20,
    label_of=lambda contract: f"{contract.number} {contract.customer.name}".strip(),
    statuses=(Contract.Status.DRAFT, Contract.Status.PENDING_APPROVAL), on_approved=services.take_effect,
)
