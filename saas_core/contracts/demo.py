"""The demo company's contract approval flow (``crm run`` / ``crm demo``), made through the services
once, after its contracts: contracts over 10,000 go to the owner's superior, then a director; its
draft contracts over the amount are submitted, so the manager has one waiting."""

from __future__ import annotations

from django.db import transaction

ROUTE = {
    "name": "大额合同", "priority": 1,
    "conditions": [{"field": "amount", "op": "gt", "value": "10000"}],
    "nodes": [{"name": "直属上级审批", "approver": "superior", "levels": 1, "mode": "any"},
              {"name": "销售总监审批", "approver": "role", "role": "director", "mode": "any"}],
}


def make_demo_contract_flow() -> None:
    """Only in a company without a contract flow yet."""
    from saas_core.accounts.models import User
    from saas_core.approvals import flows, services
    from saas_core.approvals.models import Flow
    from saas_core.contracts.models import Contract

    boss = User.objects.filter(role="boss").order_by("pk").first()
    if boss is None or Flow.objects.filter(doc_type="contracts.contract").exists():
        return
    with transaction.atomic():
        flows.save_route("contracts.contract", None, ROUTE, by=boss)
        flows.save_settings("contracts.contract", by=boss, empty_node="boss", resubmit="rejected_node")
        for contract in Contract.objects.filter(status=Contract.Status.DRAFT, total__gt=10000).select_related("owner"):
            services.submit(contract, by=contract.owner)
