"""Contract operations (CTR-01): defaults, header and line rules, the draft-only lock, statuses,
quote → contract, delivery plans and records, renewal reminders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saas_core.activities.models import Reminder
from saas_core.contracts import services
from saas_core.contracts.models import Contract
from saas_core.lines.services import LineInput
from saas_core.quotes import services as quotes
from saas_core.tenancy import company_today
from tests.conftest import in_tenant
from tests.saas_core.contracts.conftest import add, contract, product, quote

pytestmark = pytest.mark.django_db


def test_a_new_contract_is_a_numbered_draft_of_one_year_with_totals(org, tenant_a):
    customer = add(tenant_a, org.sales1, "合同客户")
    p = product(tenant_a, org.boss, "合同产品", cost="60.00")
    c = contract(tenant_a, org.sales1, customer, [(p, "3", None, "10")], discount="5")
    with in_tenant(tenant_a):
        stored = Contract.objects.get(pk=c.pk)
        today = company_today()
        assert stored.status == Contract.Status.DRAFT and stored.owner == org.sales1
        assert stored.number.startswith(f"HT{today:%Y%m}-")
        assert stored.start_on == today and stored.end_on > today
        # The deal price (90.00) is the default of a contract line: 3 × 90 × 0.9 = 243.00, − 5.
        assert stored.subtotal == Decimal("243.00") and stored.total == Decimal("238.00")
        assert [ln.total for ln in stored.lines.all()] == [Decimal("243.00")]


def test_end_before_start_and_a_foreign_signer_are_field_errors_and_nothing_is_saved(org, tenant_a):
    customer = add(tenant_a, org.sales1, "日期客户")
    other = add(tenant_a, org.sales1, "别的客户", contact={"name": "外人"})
    p = product(tenant_a, org.boss, "日期产品")
    with in_tenant(tenant_a):
        signer = other.contacts.get()
        before = Contract.all_objects.count()
        with pytest.raises(ValidationError) as caught:
            services.create_contract(by=org.sales1, customer=customer, title="x", start_on=date(2026, 5, 1),
                                     end_on=date(2026, 4, 30), customer_signer=signer,
                                     lines=[LineInput(p, "-1", "10")])
        errors = caught.value.message_dict
        assert errors["end_on"] == ["The end date cannot be before the start date."]
        assert errors["customer_signer"] == ["The signer must be a contact of this customer."]
        assert errors["lines.0.quantity"] == ["The quantity must be more than zero."]
        assert Contract.all_objects.count() == before


def test_only_a_draft_changes_and_statuses_follow_the_rules(org, tenant_a):
    customer = add(tenant_a, org.sales1, "状态客户")
    p = product(tenant_a, org.boss, "状态产品")
    c = contract(tenant_a, org.sales1, customer, [(p, "1", "100", "0")])
    with in_tenant(tenant_a):
        services.update_contract(c, by=org.sales1, lines=[LineInput(p, "2", "100")], title="改名")
        assert Contract.objects.get(pk=c.pk).total == Decimal("200.00")
        with pytest.raises(ValidationError) as caught:
            services.set_status(c, Contract.Status.COMPLETED, by=org.sales1)
        assert "cannot become" in caught.value.message_dict["status"][0]
        services.set_status(c, Contract.Status.IN_PROGRESS, by=org.sales1)
        signed = Contract.objects.get(pk=c.pk)
        assert signed.signed_on == company_today()
        with pytest.raises(ValidationError, match="Only a draft contract can be changed"):
            services.update_contract(c, by=org.sales1, lines=[LineInput(p, "9", "100")])
        # Awaiting approval (the approval engine's status) locks the amounts and lines too.
        Contract.objects.filter(pk=c.pk).update(status=Contract.Status.PENDING_APPROVAL)
        with pytest.raises(ValidationError):
            services.update_contract(c, by=org.sales1, lines=[LineInput(p, "9", "100")])
        assert Contract.objects.get(pk=c.pk).total == Decimal("200.00")


def test_quote_to_contract_copies_lines_and_keeps_the_link(org, tenant_a):
    customer = add(tenant_a, org.sales1, "转换客户")
    p = product(tenant_a, org.boss, "转换产品")
    q = quote(tenant_a, org.sales1, customer, [(p, "4", "25", "10")], discount="10", subject="年度采购",
              terms="款到发货")
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError, match="Only an accepted quote"):
            quotes.run_conversion(q, "contract", by=org.sales1)
        quotes.set_status(q, "sent", by=org.sales1)
        quotes.set_status(q, "accepted", by=org.sales1)
        made = quotes.run_conversion(q, "contract", by=org.sales1)
        stored = Contract.objects.get(pk=made.pk)
        assert stored.quote_id == q.pk and stored.customer_id == customer.pk and stored.title == "年度采购"
        assert stored.terms == "款到发货" and stored.total == q.total == Decimal("80.00")
        assert [(ln.product_id, ln.quantity, ln.unit_price, ln.discount_percent) for ln in stored.lines.all()] == \
            [(p.pk, Decimal("4"), Decimal("25"), Decimal("10"))]
        assert made.get_absolute_url() == f"/contracts/{made.pk}/"


def test_delivery_plans_and_records_derive_the_plan_state(org, tenant_a):
    customer = add(tenant_a, org.sales1, "交付客户")
    p = product(tenant_a, org.boss, "交付产品")
    c = contract(tenant_a, org.sales1, customer, [(p, "1", "100", "0")])
    with in_tenant(tenant_a):
        today = company_today()
        late = services.add_delivery_plan(c, by=org.sales1, planned_on=today - timedelta(days=3), content="第一批",
                                          amount="40")
        services.add_delivery_plan(c, by=org.sales1, planned_on=today + timedelta(days=3), content="第二批")
        services.record_delivery(c, by=org.sales1, delivered_on=today, content="第一批已到", amount="40", plan=late)
        states = [p.state for p in services.delivery_plans(c)]
        assert states == ["delivered", "pending"]
        assert services.delivered_total(c) == Decimal("40")
        with pytest.raises(ValidationError) as caught:
            services.record_delivery(c, by=org.sales1, delivered_on=None, content="", amount="-1")
        assert set(caught.value.message_dict) == {"delivered_on", "content", "amount"}


def test_renewal_reminders_reach_the_owner_once_when_the_window_opens(org, tenant_a):
    customer = add(tenant_a, org.sales1, "续约客户")
    p = product(tenant_a, org.boss, "续约产品")
    today = date(2026, 6, 1)
    ending = contract(tenant_a, org.sales1, customer, [(p, "1", "10", "0")], start_on=date(2025, 7, 1),
                      end_on=date(2026, 6, 20), renewal_days=30)
    later = contract(tenant_a, org.sales1, customer, [(p, "1", "10", "0")], start_on=date(2025, 7, 1),
                     end_on=date(2026, 8, 20), renewal_days=30)
    draft = contract(tenant_a, org.sales1, customer, [(p, "1", "10", "0")], start_on=date(2025, 7, 1),
                     end_on=date(2026, 6, 10), renewal_days=30)
    with in_tenant(tenant_a):
        for c in (ending, later):
            services.set_status(c, Contract.Status.IN_PROGRESS, by=org.sales1)
        services.remind_renewals(today)
        services.remind_renewals(today)  # a second beat adds nothing
        rows = list(Reminder.objects.filter(source=Reminder.Source.CONTRACT))
        assert [(r.user_id, r.url) for r in rows] == [(org.sales1.pk, f"/contracts/{ending.pk}/")]
        assert ending.number in rows[0].title and "2026-06-20" in rows[0].title
        assert draft.pk not in [int(r.url.strip("/").split("/")[-1]) for r in rows]


def test_the_hourly_task_reminds_through_the_worker_code_path_and_twice_adds_nothing(org, tenant_a):
    from saas_core.contracts import tasks

    customer = add(tenant_a, org.sales1, "任务续约客户")
    p = product(tenant_a, org.boss, "任务续约产品")
    today = date.today()
    c = contract(tenant_a, org.sales1, customer, [(p, "1", "10", "0")], start_on=today - timedelta(days=300),
                 end_on=today + timedelta(days=5), renewal_days=10)
    with in_tenant(tenant_a):
        services.set_status(c, Contract.Status.IN_PROGRESS, by=org.sales1)
        tasks.remind_renewals.apply().get()
        tasks.remind_renewals.apply().get()
        assert Reminder.objects.filter(source=Reminder.Source.CONTRACT, url=f"/contracts/{c.pk}/").count() == 1
