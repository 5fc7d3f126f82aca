"""The receivable totals hold when two people write at the same moment: each writer checks Σ
against the total and writes; the first keeps its transaction open (the deliberate pause between
check and commit) until the second is seen waiting on the contract's row lock, so the second's
check runs after the first's write, whatever the machine's load. Separate threads, separate
connections, committed data."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD
from tests.saas_core.contracts.races import hold_until_blocked

pytestmark = pytest.mark.live


@pytest.fixture
def workspace(live_db, settings):
    from tenants import provisioning

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sub = f"pay-race-{uuid.uuid4().hex[:6]}"
    ws = provisioning.create_workspace(company_name="Payment Race Ltd", subdomain=sub, admin_name="Boss",
                                       email=f"boss@{sub}.example.com", password=PASSWORD, language="en")
    return ws.tenant.schema_name


def _contract(schema: str):
    """A signed contract of 1,000.00 and a salesperson who owns it."""
    from saas_core.accounts.models import User
    from saas_core.contracts import services as contracts
    from saas_core.customers import services as customers
    from saas_core.lines.services import LineInput
    from saas_core.products import services as products
    from tests.factories import UserFactory

    with schema_context(schema):
        boss = User.objects.get(role="boss")
        sales = UserFactory(role="sales", username=f"sales-{uuid.uuid4().hex[:5]}")
        customer = customers.create_customer(by=boss, name="并发回款客户", owner=sales, check_permission=False)
        p = products.create_product(by=boss, name="并发回款产品", prices={"deal": "1000"}, check_permission=False)
        contract = contracts.create_contract(by=sales, customer=customer, title="并发", check_permission=False,
                                             lines=[LineInput(p, "1", "1000")])
        return contracts.set_status(contract, "in_progress", by=boss), sales


def test_two_plans_at_once_never_exceed_the_contract_total(workspace):
    from saas_core.accounts.models import User
    from saas_core.payments import services
    from saas_core.payments.models import PaymentPlan
    from saas_core.tenancy import company_today

    contract, sales = _contract(workspace)

    def plan():
        with schema_context(workspace):
            return services.add_plan(contract, by=User.objects.get(pk=sales.pk), due_on=company_today(),
                                     amount="600")

    first, second = hold_until_blocked(workspace, plan, plan)
    assert isinstance(first, PaymentPlan), first
    assert isinstance(second, ValidationError), second
    assert "more than the total of 1000.00" in second.message_dict["amount"][0]
    with schema_context(workspace):
        assert list(PaymentPlan.objects.filter(contract=contract).values_list("amount", flat=True)) == [Decimal("600")]


def test_two_invoices_at_once_never_exceed_the_contract_total(workspace):
    from saas_core.accounts.models import User
    from saas_core.payments import services
    from saas_core.payments.models import Invoice
    from saas_core.tenancy import company_today

    contract, sales = _contract(workspace)

    def invoice():
        with schema_context(workspace):
            return services.issue_invoice(contract, by=User.objects.get(pk=sales.pk), issued_on=company_today(),
                                          amount="700", title="并发回款客户")

    first, second = hold_until_blocked(workspace, invoice, invoice)
    assert isinstance(first, Invoice), first
    assert isinstance(second, ValidationError), second
    assert "more than the total of 1000.00" in second.message_dict["amount"][0]
    with schema_context(workspace):
        assert Invoice.objects.filter(contract=contract).count() == 1


def test_two_payments_on_one_installment_at_once_fill_it_exactly(workspace):
    """Both payments count; the installment is never credited more than its amount (the second
    payment sees the first's allocation and keeps the rest unallocated)."""
    from saas_core.accounts.models import User
    from saas_core.payments import services
    from saas_core.payments.models import PaymentAllocation, PaymentPlan
    from saas_core.tenancy import company_today

    contract, sales = _contract(workspace)
    with schema_context(workspace):
        plan = services.add_plan(contract, by=sales, due_on=company_today(), amount="500")

    def pay():
        with schema_context(workspace):
            return services.record_payment(contract, by=User.objects.get(pk=sales.pk), received_on=company_today(),
                                           amount="400", plans=[plan])

    first, second = hold_until_blocked(workspace, pay, pay)
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    with schema_context(workspace):
        plan = PaymentPlan.objects.get(pk=plan.pk)
        assert plan.received == Decimal("500")
        assert sorted(PaymentAllocation.objects.filter(plan=plan).values_list("amount", flat=True)) == [
            Decimal("100"), Decimal("400")]
