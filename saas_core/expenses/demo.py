"""The demo company's expense claims and their flow (``crm run`` / ``crm demo``), made through the
services once: claims over 2,000 go to the claimant's superior; the salespeople's taxi, dinner and
travel claims, one approved, one waiting for the manager."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

ROUTE = {
    "name": "大额报销", "priority": 1,
    "conditions": [{"field": "amount", "op": "gt", "value": "2000"}],
    "nodes": [{"name": "直属上级审批", "approver": "superior", "levels": 1, "mode": "any"}],
}
# claimant, expense type, amount, days ago, customer, description
CLAIMS = (
    ("liuyang", "transport", "86.50", 3, "北京华兴科技有限公司", "拜访客户打车"),
    ("liuyang", "entertainment", "1280.00", 6, "北京华兴科技有限公司", "与采购经理工作餐"),
    ("chenjing", "travel", "3650.00", 9, "重庆长安汽车配件有限公司", "重庆出差：机票与住宿"),
)


def make_demo_expenses() -> None:
    """Only in a company without expenses yet."""
    from saas_core.accounts.models import User
    from saas_core.approvals import flows
    from saas_core.approvals import services as approvals
    from saas_core.customers.models import Customer
    from saas_core.dictionaries.models import DictionaryItem
    from saas_core.expenses import services
    from saas_core.expenses.models import Expense
    from saas_core.tenancy import company_today

    boss = User.objects.filter(role="boss").order_by("pk").first()
    if boss is None or Expense.all_objects.exists():
        return
    types = {i.key: i for i in DictionaryItem.objects.filter(type__key="expense_type")}
    fallback = next(iter(types.values()), None)
    people = {u.username: u for u in User.objects.filter(username__in=[c[0] for c in CLAIMS])}
    today = company_today()
    with transaction.atomic():
        flows.save_route("expenses.expense", None, ROUTE, by=boss)
        flows.save_settings("expenses.expense", by=boss, empty_node="boss", resubmit="start")
        for username, kind, amount, days, customer_name, description in CLAIMS:
            owner = people.get(username)
            if owner is None or fallback is None:
                continue
            claim = services.create_expense(
                by=owner, type=types.get(kind, fallback), amount=amount, spent_on=today - timedelta(days=days),
                customer=Customer.objects.filter(name=customer_name).first(), description=description,
                check_permission=False)
            if approvals.approval_state(claim) == approvals.REQUIRED:
                approvals.submit(claim, by=owner)
            elif owner.superior_id:
                services.approve_without_flow(claim, by=owner.superior)
