"""The opportunity services: stage history, days in stage, won/lost, the rules every entry point shares."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from saas_core.dictionaries.services import get_item
from saas_core.opportunities import services
from saas_core.opportunities.models import Opportunity, OpportunityType, StageChange
from saas_core.records import bin as recycle_bin
from tests.conftest import in_tenant
from tests.saas_core.opportunities.conftest import add, opportunity, stage, standard_type

pytestmark = pytest.mark.django_db


def test_a_new_opportunity_starts_in_the_first_stage_with_its_probability_and_one_history_row(org, tenant_a):
    customer = add(tenant_a, org.sales1, "华东机会客户")
    deal = opportunity(tenant_a, org.sales1, customer, "ERP upgrade", expected_amount=Decimal("120000.50"))
    with in_tenant(tenant_a):
        deal.refresh_from_db()
        assert deal.stage.name_en == "Initial contact" and deal.probability == 10
        assert deal.owner == org.sales1 and deal.found_on == timezone.localdate()
        assert deal.expected_amount == Decimal("120000.50") and isinstance(deal.expected_amount, Decimal)
        [first] = deal.stage_changes.all()
        assert first.from_stage is None and first.to_stage == deal.stage and first.by == org.sales1


def test_change_stage_records_who_when_from_to_and_note_and_sets_the_default_probability(org, tenant_a):
    customer = add(tenant_a, org.sales1, "阶段客户")
    deal = opportunity(tenant_a, org.sales1, customer, "CRM rollout")
    with in_tenant(tenant_a):
        kind = standard_type()
        services.change_stage(deal, by=org.sales1, stage=stage(kind, "Proposal and quote"), note="Sent the proposal")
        deal.refresh_from_db()
        assert deal.stage.name_en == "Proposal and quote" and deal.probability == 50
        assert deal.stage_note == "Sent the proposal"
        latest = deal.stage_changes.first()
        assert (latest.from_stage.name_en, latest.to_stage.name_en, latest.by, latest.note) == (
            "Initial contact", "Proposal and quote", org.sales1, "Sent the proposal")
        # The same stage again: nothing happens, nothing is recorded.
        services.change_stage(deal, by=org.sales1, stage=deal.stage)
        assert deal.stage_changes.count() == 2


def test_days_in_stage_come_from_the_history(org, tenant_a):
    customer = add(tenant_a, org.sales1, "天数客户")
    ten_days_ago = timezone.now() - timedelta(days=10)
    deal = opportunity(tenant_a, org.sales1, customer, "Ten days", at=ten_days_ago)
    with in_tenant(tenant_a):
        assert services.days_in_stage(deal) == 10
        three_days_ago = timezone.now() - timedelta(days=3)
        services.change_stage(deal, by=org.sales1, stage=stage(standard_type(), "Needs analysis"), at=three_days_ago)
        assert services.days_in_stage(Opportunity.objects.get(pk=deal.pk)) == 3
        annotated = services.stage_since(Opportunity.objects.filter(pk=deal.pk)).get()
        assert services.days_in_stage(annotated) == 3


def test_a_lost_stage_needs_its_reason_and_won_lost_close_the_deal(org, tenant_a):
    customer = add(tenant_a, org.sales1, "输赢客户")
    deal = opportunity(tenant_a, org.sales1, customer, "Maybe")
    with in_tenant(tenant_a):
        kind = standard_type()
        with pytest.raises(ValidationError) as refused:
            services.change_stage(deal, by=org.sales1, stage=stage(kind, "Lost"))
        assert "lost_reason" in refused.value.message_dict
        assert Opportunity.objects.get(pk=deal.pk).stage.name_en == "Initial contact"
        reason = get_item("lost_reason", "price")
        services.change_stage(deal, by=org.sales1, stage=stage(kind, "Lost"), lost_reason=reason, note="Too dear")
        deal.refresh_from_db()
        assert deal.stage.is_closed and deal.probability == 0 and deal.lost_reason == reason
        assert deal.stage_changes.first().lost_reason == reason
        services.change_stage(deal, by=org.sales1, stage=stage(kind, "Won"))
        deal.refresh_from_db()
        assert deal.probability == 100 and deal.lost_reason is None


def test_a_stage_of_another_type_is_a_field_error_and_changes_nothing(org, tenant_a):
    customer = add(tenant_a, org.sales1, "类型客户")
    deal = opportunity(tenant_a, org.sales1, customer, "Typed")
    with in_tenant(tenant_a):
        tender = OpportunityType.objects.get(name_en="Tender")
        foreign = tender.stages.first()
        with pytest.raises(ValidationError) as refused:
            services.change_stage(deal, by=org.sales1, stage=foreign)
        assert "another opportunity type" in refused.value.message_dict["stage"][0]
        with pytest.raises(ValidationError) as on_create:
            services.create_opportunity(by=org.sales1, customer=customer, subject="x", type=standard_type(), stage=foreign)
        assert "stage" in on_create.value.message_dict
        assert StageChange.objects.filter(opportunity=deal).count() == 1


def test_expected_amount_with_more_decimals_than_the_precision_is_refused(org, tenant_a):
    customer = add(tenant_a, org.sales1, "精度客户")
    with in_tenant(tenant_a), pytest.raises(ValidationError) as refused:
        services.create_opportunity(by=org.sales1, customer=customer, subject="x", type=standard_type(),
                                    expected_amount=Decimal("10.123"))
    assert refused.value.message_dict["expected_amount"] == ["At most 2 decimal places are allowed."]
    with in_tenant(tenant_a), pytest.raises(ValidationError) as negative:
        services.create_opportunity(by=org.sales1, customer=customer, subject="x", type=standard_type(),
                                    expected_amount=Decimal("-1"))
    assert "expected_amount" in negative.value.message_dict
    with in_tenant(tenant_a):
        assert not Opportunity.objects.filter(customer=customer).exists()


def test_contacts_must_be_the_customers_and_the_customer_one_the_user_sees(org, tenant_a):
    mine = add(tenant_a, org.sales1, "我的客户", contact={"name": "张三"})
    theirs = add(tenant_a, org.sales_w, "别人的客户", contact={"name": "李四"})
    with in_tenant(tenant_a):
        stranger = theirs.contacts.get()
        with pytest.raises(ValidationError) as wrong_contact:
            services.create_opportunity(by=org.sales1, customer=mine, subject="x", type=standard_type(), contacts=[stranger])
        assert "contacts" in wrong_contact.value.message_dict
        with pytest.raises(ValidationError) as out_of_scope:
            services.create_opportunity(by=org.sales1, customer=theirs, subject="x", type=standard_type())
        assert out_of_scope.value.message_dict["customer"] == ["You may not see this customer."]


def test_changing_the_type_moves_to_its_first_stage_and_records_it(org, tenant_a):
    customer = add(tenant_a, org.sales1, "换类型客户")
    deal = opportunity(tenant_a, org.sales1, customer, "Retyped")
    with in_tenant(tenant_a):
        tender = OpportunityType.objects.get(name_en="Tender")
        services.update_opportunity(deal, by=org.sales1, type=tender)
        deal.refresh_from_db()
        assert deal.type == tender and deal.stage.type == tender and deal.stage.position == 1
        assert deal.stage_changes.count() == 2


def test_deleting_goes_to_the_recycle_bin_with_the_customer_and_comes_back(org, tenant_a):
    customer = add(tenant_a, org.sales1, "回收客户")
    deal = opportunity(tenant_a, org.sales1, customer, "Binned")
    with in_tenant(tenant_a):
        from saas_core.customers.models import Customer

        entry = recycle_bin.trash(Customer.objects.get(pk=customer.pk), by=org.boss)
        assert not Opportunity.objects.filter(pk=deal.pk).exists()
        assert Opportunity.all_objects.filter(pk=deal.pk, deleted_at__isnull=False).exists()
        recycle_bin.restore(entry, by=org.boss)
        assert Opportunity.objects.filter(pk=deal.pk).exists()


def test_the_data_log_records_field_changes(org, tenant_a):
    from django.apps import apps

    customer = add(tenant_a, org.sales1, "日志客户")
    deal = opportunity(tenant_a, org.sales1, customer, "Logged")
    with in_tenant(tenant_a):
        services.update_opportunity(deal, by=org.sales1, subject="Logged and renamed")
        events = apps.get_model("opportunities", "OpportunityEvent").objects.filter(pgh_obj_id=deal.pk).order_by("pgh_id")
        assert [e.subject for e in events] == ["Logged", "Logged and renamed"]


def test_transfer_moves_opportunities_within_scope_only(org, tenant_a):
    customer = add(tenant_a, org.sales1, "转移客户")
    deal = opportunity(tenant_a, org.sales1, customer, "Moving")
    west_customer = add(tenant_a, org.sales_w, "西部客户")
    west = opportunity(tenant_a, org.sales_w, west_customer, "Not mine")
    with in_tenant(tenant_a):
        assert services.transfer([deal], org.sales2, by=org.manager) == 1
        assert Opportunity.objects.get(pk=deal.pk).owner == org.sales2
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.transfer([west], org.sales2, by=org.manager)


def test_the_boss_edits_types_and_stages_and_reorders_them(org, tenant_a):
    with in_tenant(tenant_a):
        kind = services.save_type(None, by=org.boss, name_zh="服务项目", name_en="Service project")
        a = services.save_stage(None, by=org.boss, type=kind, name_zh="接洽", probability=20)
        b = services.save_stage(None, by=org.boss, type=kind, name_zh="成交", probability=100, outcome="won")
        assert [s.pk for s in services.stages_of(kind)] == [a.pk, b.pk]
        assert [s.pk for s in services.reorder_stages(kind, [b.pk, a.pk], by=org.boss)] == [b.pk, a.pk]
        with pytest.raises(ValidationError):
            services.save_stage(None, by=org.boss, type=kind, name_zh="x", probability=101)
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.save_type(kind, by=org.manager, name_zh="x")
