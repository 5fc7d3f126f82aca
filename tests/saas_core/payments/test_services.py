"""Receivables (PAY-01): plans, payments and invoices through the services; the derived plan
status; the totals a plan and invoices may not exceed (and the logged override); each document
generating the next both ways; reminders; the figures the targets use."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from saas_core.activities.models import Reminder
from saas_core.payments import services
from saas_core.payments.models import Invoice, PaymentPlan, PaymentRecord
from saas_core.records.history import history_of
from saas_core.tenancy import company_today
from tests.conftest import in_tenant
from tests.saas_core.payments.conftest import signed_contract

pytestmark = pytest.mark.django_db


def _status(plan) -> str:
    return services.with_status(PaymentPlan.objects.filter(pk=plan.pk)).values_list("status", flat=True)[0]


def test_installments_number_themselves_and_the_status_follows_the_money(org, tenant_a, deal):
    with in_tenant(tenant_a):
        today = company_today()
        first = services.add_plan(deal, by=org.sales1, due_on=today - timedelta(days=5), amount="300")
        second = services.add_plan(deal, by=org.sales1, due_on=today + timedelta(days=10), amount="700")
        assert (first.installment, second.installment) == (1, 2)
        assert first.customer_id == deal.customer_id and first.owner_id == deal.owner_id
        assert (_status(first), _status(second)) == ("overdue", "pending")
        services.record_payment(deal, by=org.sales1, received_on=today, amount="400", plans=[second, first])
        first.refresh_from_db(), second.refresh_from_db()
        # Earliest due first: 300 pays the first installment, the remaining 100 goes to the second.
        assert (first.received, second.received) == (Decimal("300"), Decimal("100"))
        assert (_status(first), _status(second)) == ("done", "partial")


def test_plans_may_not_exceed_the_total_without_a_reason_and_the_right(org, tenant_a, deal):
    with in_tenant(tenant_a):
        today = company_today()
        services.add_plan(deal, by=org.sales1, due_on=today, amount="800")
        with pytest.raises(ValidationError) as caught:
            services.add_plan(deal, by=org.sales1, due_on=today, amount="300", override_reason="客户要求")
        assert "more than the total of 1000.00" in caught.value.message_dict["amount"][0]
        assert "200.00 left" in caught.value.message_dict["amount"][0]
        assert PaymentPlan.objects.filter(contract=deal).count() == 1
        # The Boss (every right) without a reason: still refused, told to give one.
        with pytest.raises(ValidationError) as caught:
            services.add_plan(deal, by=org.boss, due_on=today, amount="300")
        assert "give the reason" in caught.value.message_dict["amount"][0]
        over = services.add_plan(deal, by=org.boss, due_on=today, amount="300", override_reason="客户追加服务")
        assert over.override_reason == "客户追加服务"
        # The reason is in the data log (field-level history).
        created = history_of(over)[-1]
        assert any(c.new == "客户追加服务" for c in created.changes)


def test_bad_input_is_field_errors_in_both_languages(org, tenant_a, deal):
    with in_tenant(tenant_a):
        today = company_today()
        services.add_plan(deal, by=org.sales1, due_on=today + timedelta(days=30), amount="100")
        with pytest.raises(ValidationError) as caught:
            services.add_plan(deal, by=org.sales1, due_on=today, amount="-5", installment=2)
        errors = caught.value.message_dict
        assert errors["amount"] == ["The amount must be greater than zero."]
        assert errors["due_on"] == [f"Installment 1 is due on {(today + timedelta(days=30)).isoformat()}: "
                                    "installments must be due in their order."]
        with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
            services.record_payment(deal, by=org.sales1, received_on=today + timedelta(days=1), amount="abc")
        assert set(caught.value.message_dict) == {"amount", "received_on"}
        assert PaymentRecord.all_objects.count() == 0


def test_invoices_may_not_exceed_the_total_and_a_special_invoice_needs_the_tax_details(org, tenant_a, deal):
    with in_tenant(tenant_a):
        today = company_today()
        services.issue_invoice(deal, by=org.sales1, amount="600", issued_on=today, title="北京科技有限公司",
                               invoice_number="No.0001")
        with pytest.raises(ValidationError) as caught:
            services.issue_invoice(deal, by=org.sales1, amount="500", issued_on=today, title="北京科技有限公司",
                                   invoice_number="No.0001", kind="special")
        errors = caught.value.message_dict
        assert "more than the total" in errors["amount"][0]
        assert errors["invoice_number"] == ["This invoice number has been recorded already."]
        assert errors["tax_id"] == ["A special VAT invoice needs this."]
        assert Invoice.objects.count() == 1


def test_each_generates_the_next_both_ways(org, tenant_a, deal):
    with in_tenant(tenant_a):
        today = company_today()
        plan = services.add_plan(deal, by=org.sales1, due_on=today, amount="250")
        initial = services.record_initial(plan)
        assert initial["amount"] == Decimal("250.00") and initial["plans"] == [plan.pk]
        record = services.record_payment(deal, by=org.sales1, received_on=today, amount="400", plans=[plan])
        assert record.number.startswith("HK")
        invoice_initial = services.invoice_initial(deal, record)
        assert invoice_initial["amount"] == Decimal("400.00") and invoice_initial["record"] == record.pk
        assert invoice_initial["title"] == deal.customer.name
        # Record → plan: the 150 no plan held gets an installment of its own, already paid.
        extra = services.plan_from_record(record, by=org.sales1)
        assert (extra.installment, extra.amount, extra.received) == (2, Decimal("150"), Decimal("150"))
        with pytest.raises(ValidationError):
            services.plan_from_record(record, by=org.sales1)


def test_a_payment_in_the_bin_stops_counting_and_counts_again_when_restored(org, tenant_a, deal):
    from saas_core.records import bin as recycle_bin

    with in_tenant(tenant_a):
        today = company_today()
        plan = services.add_plan(deal, by=org.sales1, due_on=today, amount="500")
        record = services.record_payment(deal, by=org.sales1, received_on=today, amount="500", plans=[plan])
        plan.refresh_from_db()
        assert plan.received == Decimal("500")
        entry = services.trash(record, by=org.boss)
        plan.refresh_from_db()
        assert plan.received == 0 and _status(plan) == "pending"
        recycle_bin.restore(entry, by=org.boss)
        plan.refresh_from_db()
        assert plan.received == Decimal("500")


def test_a_void_plan_no_longer_counts_and_one_with_money_cannot_be_voided(org, tenant_a, deal):
    with in_tenant(tenant_a):
        today = company_today()
        paid = services.add_plan(deal, by=org.sales1, due_on=today, amount="600")
        services.record_payment(deal, by=org.sales1, received_on=today, amount="1", plans=[paid])
        with pytest.raises(ValidationError):
            services.void_plan(paid, by=org.sales1)
        spare = services.add_plan(deal, by=org.sales1, due_on=today, amount="400")
        services.void_plan(spare, by=org.sales1)
        assert _status(spare) == "void"
        # 600 + a new 400 fit again once the other 400 is void.
        services.add_plan(deal, by=org.sales1, due_on=today, amount="400")


def test_reminders_come_once_per_open_installment_to_its_owner(org, tenant_a, deal):
    with in_tenant(tenant_a):
        today = company_today()
        due = services.add_plan(deal, by=org.sales1, due_on=today + timedelta(days=2), amount="100", remind_days=3)
        services.add_plan(deal, by=org.sales1, due_on=today + timedelta(days=20), amount="100", remind_days=3)
        paid = services.add_plan(deal, by=org.sales1, due_on=today + timedelta(days=25), amount="100", remind_days=30)
        services.record_payment(deal, by=org.sales1, received_on=today, amount="100", plans=[paid])
        services.remind_due(today)
        services.remind_due(today)  # a second run (or two beats at once) adds nothing
        reminder = Reminder.objects.get(key__startswith="payment-plan:")
        assert reminder.user_id == org.sales1.pk and reminder.url == due.get_absolute_url()


def test_received_by_owner_month_sums_confirmed_payments(org, tenant_a):
    with in_tenant(tenant_a):
        today = company_today()
    one = signed_contract(tenant_a, org.sales1, "甲客户")
    two = signed_contract(tenant_a, org.sales2, "乙客户")
    with in_tenant(tenant_a):
        services.record_payment(one, by=org.sales1, received_on=today, amount="100")
        services.record_payment(one, by=org.sales1, received_on=today, amount="50")
        services.record_payment(two, by=org.sales2, received_on=today, amount="70")
        got = services.received_by_owner_month([org.sales1.pk, org.sales2.pk], today.replace(day=1), today)
        month = f"{today:%Y-%m}"
        assert got == {(org.sales1.pk, month): Decimal("150"), (org.sales2.pk, month): Decimal("70")}
        assert services.received_by_owner_month([org.sales1.pk], today + timedelta(days=1),
                                                today + timedelta(days=40)) == {}


def test_an_order_takes_plans_payments_and_invoices_within_its_total(org, tenant_a):
    from saas_core.accounts.models import User
    from tests.saas_core.payments.conftest import add, order, product

    customer = add(tenant_a, org.sales1, "订单回款客户")
    with in_tenant(tenant_a):
        boss = User.objects.filter(role="boss").order_by("pk").first()
    p = product(tenant_a, boss, "订单回款产品")
    sold = order(tenant_a, org.sales1, customer, [(p, "2", "150", "0")])
    with in_tenant(tenant_a):
        today = company_today()
        plan = services.add_plan(sold, by=org.sales1, due_on=today, amount="300")
        assert plan.order_id == sold.pk and plan.contract_id is None and plan.customer_id == customer.pk
        with pytest.raises(ValidationError):
            services.add_plan(sold, by=org.sales1, due_on=today, amount="0.01")
        services.record_payment(sold, by=org.sales1, received_on=today, amount="300", plans=[plan])
        with pytest.raises(ValidationError):
            services.issue_invoice(sold, by=org.sales1, amount="300.01", issued_on=today, title="X")
        services.issue_invoice(sold, by=org.sales1, amount="300", issued_on=today, title="X")
        assert _status(plan) == "done"
