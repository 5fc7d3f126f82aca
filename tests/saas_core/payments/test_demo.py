"""The demo company gets payment plans, a payment and an invoice on its running contracts, made
through the services, once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saas_core.contracts.models import Contract
from saas_core.payments import figures
from saas_core.payments.models import Invoice, PaymentPlan, PaymentRecord
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def test_demo_receivables_are_made_once(tenant_a, boss_a):
    from saas_core import demo
    from saas_core.customers.models import Customer

    with in_tenant(tenant_a):
        Customer.all_objects.all().delete()
        demo._demo_staff()
        demo._demo_customers()
        demo._demo_quotes()
        demo._demo_contracts_and_orders()
        demo._demo_receivables()
        demo._demo_receivables()
        running = Contract.objects.filter(status="in_progress").order_by("pk")
        assert PaymentPlan.objects.count() == 3 * running.count()
        for contract in running:
            planned = sum(p.amount for p in PaymentPlan.objects.filter(contract=contract))
            assert planned == contract.total
        first = running.first()
        record = PaymentRecord.objects.get()
        assert record.contract_id == first.pk and Invoice.objects.get().record_id == record.pk
        paid = PaymentPlan.objects.get(contract=first, installment=1)
        assert paid.received == paid.amount and record.amount == paid.amount
        got = figures.receivables(boss_a)
        assert got["overdue_count"] == running.count() and got["overdue"] > Decimal(0)
