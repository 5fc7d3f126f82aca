"""The demo company's approval flow (``crm run`` / ``crm demo``), made through the services once:
quotes over 30,000 go to the owner's superior, then a director; its open draft quotes over the
amount are submitted, so the manager's 待我审批 has something in it."""

from __future__ import annotations

from django.db import transaction

ROUTE = {
    "name": "大额报价", "priority": 1,
    "conditions": [{"field": "amount", "op": "gt", "value": "30000"}],
    "nodes": [{"name": "直属上级审批", "approver": "superior", "levels": 1, "mode": "any"},
              {"name": "销售总监审批", "approver": "role", "role": "director", "mode": "any"}],
}


def make_demo_flow() -> None:
    """Only in a company without a quote flow yet."""
    from saas_core.accounts.models import User
    from saas_core.approvals import flows, services
    from saas_core.approvals.models import Flow
    from saas_core.quotes.models import Quote

    boss = User.objects.filter(role="boss").order_by("pk").first()
    if boss is None or Flow.objects.filter(doc_type="quotes.quote").exists():
        return
    with transaction.atomic():
        flows.save_route("quotes.quote", None, ROUTE, by=boss)
        flows.save_settings("quotes.quote", by=boss, empty_node="boss", resubmit="start")
        for quote in Quote.objects.filter(status=Quote.Status.DRAFT, total__gt=30000).select_related("owner"):
            services.submit(quote, by=quote.owner)
