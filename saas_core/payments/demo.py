"""The demo company's receivables (``crm run`` / ``crm demo``), made once through the services:
each running demo contract gets a payment plan in installments; the signed one has its first
installment paid and invoiced, a second one overdue, so the workbench, the contract list and the
customer 360° have figures to show."""

from __future__ import annotations

from datetime import timedelta


def make_demo_receivables() -> None:
    """Only in a demo company with running contracts and no payment plan yet."""
    from django.db import transaction

    from saas_core.accounts.models import User
    from saas_core.contracts.models import Contract
    from saas_core.dictionaries.models import DictionaryItem
    from saas_core.money import round_price
    from saas_core.payments import services
    from saas_core.payments.models import PaymentPlan
    from saas_core.tenancy import company_today

    boss = User.objects.filter(role="boss").order_by("pk").first()
    running = list(Contract.objects.filter(status=Contract.Status.IN_PROGRESS, total__gt=0).order_by("pk"))
    if boss is None or not running or PaymentPlan.all_objects.exists():
        return
    today = company_today()
    transfer = DictionaryItem.objects.filter(type__key="payment_method", key="bank_transfer").first()
    with transaction.atomic():
        for n, contract in enumerate(running):
            third = round_price(contract.total / 3)
            amounts = [third, third, contract.total - 2 * third]
            start = today - timedelta(days=40) if n == 0 else today - timedelta(days=5)
            plans = [services.add_plan(contract, by=boss, due_on=start + timedelta(days=30 * i), amount=amount,
                                       method=transfer, remind_days=5) for i, amount in enumerate(amounts)]
            if n == 0:
                record = services.record_payment(contract, by=boss, received_on=plans[0].due_on, amount=amounts[0],
                                                 method=transfer, account="招商银行 6225 **** 0001",
                                                 payer=contract.customer.name, plans=[plans[0]])
                services.issue_invoice(contract, by=boss, record=record, amount=amounts[0], kind="special",
                                       issued_on=plans[0].due_on, title=contract.customer.name,
                                       tax_id="91110108MA01ABCD2X", bank="招商银行北京分行", bank_account="110902345610801",
                                       address="北京市海淀区中关村大街1号", phone="010-62345678",
                                       mail_address="北京市海淀区中关村大街1号 财务部", invoice_number="04512345",
                                       tracking_number="SF2026000123")
