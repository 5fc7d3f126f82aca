"""The approval engine: routes by condition, node modes, reject/resubmit, transfer, add signer,
withdraw, the locked document, versions, and who may decide."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saas_core.approvals import flows, services
from saas_core.approvals.models import Approval, Event, Task
from saas_core.quotes import services as quotes
from saas_core.quotes.models import Quote
from saas_core.quotes.services import LineInput
from tests.conftest import in_tenant
from tests.saas_core.approvals.conftest import DOC, design, two_level_route
from tests.saas_core.quotes.conftest import add, product, quote

pytestmark = pytest.mark.django_db


def test_a_quote_over_the_amount_needs_approval_before_it_is_sent_and_one_under_does_not(org, tenant_a, big_quote):
    customer = add(tenant_a, org.sales1, "小客户")
    p = product(tenant_a, org.boss, "鼠标")
    small = quote(tenant_a, org.sales1, customer, [(p, "2", "50", "0")])
    with in_tenant(tenant_a):
        assert services.approval_state(small) == services.NONE
        quotes.set_status(small, Quote.Status.SENT, by=org.sales1)
        assert services.approval_state(big_quote) == services.REQUIRED
        with pytest.raises(ValidationError) as caught:
            quotes.set_status(big_quote, Quote.Status.SENT, by=org.sales1)
        assert "needs approval" in caught.value.message_dict["status"][0]


def test_two_levels_manager_then_director_then_the_quote_may_be_sent(org, tenant_a, big_quote):
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
        assert [n["approvers"] for n in approval.plan] == [[org.manager.pk], [org.director.pk]]
        assert list(services.waiting_for(org.manager).values_list("approval", flat=True)) == [approval.pk]
        assert not services.waiting_for(org.director).exists()
        with pytest.raises(ValidationError):
            quotes.update_quote(big_quote, by=org.sales1, lines=[LineInput(big_quote.lines.first().product, "1", "1")])
        services.approve(approval, by=org.manager, comment="OK")
        assert services.waiting_count(org.director, fresh=True) == 1
        services.approve(approval, by=org.director)
        approval.refresh_from_db()
        assert approval.status == Approval.Status.APPROVED
        assert services.approval_state(big_quote) == services.APPROVED
        quotes.set_status(big_quote, Quote.Status.SENT, by=org.sales1)
        actions = [(e.action, e.actor_id, e.node_name) for e in services.timeline(big_quote)]
        assert actions == [("submitted", org.sales1.pk, "Manager"), ("approved", org.manager.pk, "Manager"),
                           ("approved", org.director.pk, "Director"), ("finished", None, "Director")]


def test_reject_needs_a_comment_then_resubmit_from_the_start(org, tenant_a, big_quote):
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
        services.approve(approval, by=org.manager)
        with pytest.raises(ValidationError) as caught:
            services.reject(approval, by=org.director, comment="  ")
        assert "comment" in caught.value.message_dict
        services.reject(approval, by=org.director, comment="价格太低")
        assert services.approval_state(big_quote) == services.REJECTED
        line = big_quote.lines.first()
        quotes.update_quote(big_quote, by=org.sales1, lines=[LineInput(line.product, "1", "13000")])
        again = services.submit(big_quote, by=org.sales1)
        assert again.node == 0 and services.waiting_for(org.manager).filter(approval=again).exists()
        assert Event.objects.filter(approval=approval, action="rejected", comment="价格太低").exists()


def test_resubmit_from_the_rejecting_node_when_the_flow_says_so(org, tenant_a):
    design(tenant_a, org.boss, two_level_route(), resubmit="rejected_node")
    customer = add(tenant_a, org.sales1, "客户")
    q = quote(tenant_a, org.sales1, customer, [(product(tenant_a, org.boss, "P"), "1", "20000", "0")])
    with in_tenant(tenant_a):
        approval = services.submit(q, by=org.sales1)
        services.approve(approval, by=org.manager)
        services.reject(approval, by=org.director, comment="no")
        again = services.submit(q, by=org.sales1)
        assert again.node == 1 and services.waiting_for(org.director).filter(approval=again).exists()
        assert not services.waiting_for(org.manager).filter(approval=again).exists()


def test_an_edit_after_approval_that_changes_the_amount_needs_approval_again(org, tenant_a, big_quote):
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
        services.approve(approval, by=org.manager)
        services.approve(approval, by=org.director)
        line = big_quote.lines.first()
        # The same amount written differently keeps the approval; a new amount does not.
        quotes.update_quote(big_quote, by=org.sales1, lines=[LineInput(line.product, "1", "12000.00")],
                            subject="renamed")
        assert services.approval_state(big_quote) == services.APPROVED
        quotes.update_quote(big_quote, by=org.sales1, lines=[LineInput(line.product, "1", "15000")])
        assert services.approval_state(big_quote) == services.REQUIRED
        with pytest.raises(ValidationError):
            quotes.set_status(big_quote, Quote.Status.SENT, by=org.sales1)


def test_someone_who_is_not_an_approver_is_refused_with_the_reason(org, tenant_a, big_quote):
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
        with pytest.raises(PermissionDenied) as caught:
            services.approve(approval, by=org.sales2)
        assert "not an approver" in str(caught.value) and "Manager" in str(caught.value)
        with pytest.raises(PermissionDenied):
            services.approve(approval, by=org.director)  # the director's step has not come yet
        with pytest.raises(PermissionDenied):
            services.withdraw(approval, by=org.manager)


def test_a_second_approve_by_the_same_person_records_nothing(org, tenant_a, big_quote):
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
        services.approve(approval, by=org.manager)
        with pytest.raises(services.AlreadyDecided):
            services.approve(approval, by=org.manager)
        assert Event.objects.filter(approval=approval, action="approved").count() == 1


def test_all_must_approve_and_any_one_and_in_order(org, tenant_a):
    customer = add(tenant_a, org.sales1, "客户")
    p = product(tenant_a, org.boss, "P")
    people = [org.manager.pk, org.director.pk, org.sales2.pk]
    for mode, expected_waiting in (("all", 3), ("any", 3), ("sequential", 1)):
        with in_tenant(tenant_a):
            flows.delete_route(DOC, 0, by=org.boss) if flows.current(DOC)[1]["routes"] else None
            flows.save_route(DOC, None, {"name": mode, "priority": 1, "conditions": [],
                                         "nodes": [{"name": "Team", "approver": "users", "users": people,
                                                    "mode": mode}]}, by=org.boss)
        q = quote(tenant_a, org.sales1, customer, [(p, "1", "10", "0")])
        with in_tenant(tenant_a):
            approval = services.submit(q, by=org.sales1)
            assert Task.objects.filter(approval=approval, status="pending").count() == expected_waiting
            if mode == "any":
                services.approve(approval, by=org.director)
                approval.refresh_from_db()
                assert approval.status == "approved"
                with pytest.raises(services.AlreadyDecided):
                    services.approve(approval, by=org.manager)
            elif mode == "all":
                services.approve(approval, by=org.manager)
                services.approve(approval, by=org.director)
                approval.refresh_from_db()
                assert approval.status == "pending"
                services.approve(approval, by=org.sales2)
                approval.refresh_from_db()
                assert approval.status == "approved"
            else:
                with pytest.raises(PermissionDenied) as caught:
                    services.approve(approval, by=org.director)
                assert "not your turn" in str(caught.value)
                services.approve(approval, by=org.manager)
                services.approve(approval, by=org.director)
                services.approve(approval, by=org.sales2)
                approval.refresh_from_db()
                assert approval.status == "approved"


def test_a_node_with_nobody_passes_or_goes_to_the_boss(org, tenant_a):
    route = {"name": "r", "priority": 1, "conditions": [],
             "nodes": [{"name": "Superior", "approver": "superior", "levels": 1, "mode": "any"}]}
    design(tenant_a, org.boss, route, empty_node="pass")
    customer = add(tenant_a, org.director, "客户")
    p = product(tenant_a, org.boss, "P")
    q = quote(tenant_a, org.director, customer, [(p, "1", "10", "0")])  # the director has no superior
    with in_tenant(tenant_a):
        approval = services.submit(q, by=org.director)
        assert approval.status == "approved"
        assert [e.action for e in services.timeline(q)] == ["submitted", "passed", "finished"]
        flows.save_settings(DOC, by=org.boss, empty_node="boss", resubmit="start")
        q2 = quotes.copy_quote(q, by=org.director)
        second = services.submit(q2, by=org.director)
        assert second.status == "pending" and services.waiting_for(org.boss).filter(approval=second).exists()


def test_superior_chain_up_to_a_role_and_chosen_by_the_initiator(org, tenant_a):
    route = {"name": "r", "priority": 1, "conditions": [],
             "nodes": [{"name": "Chain", "approver": "superior_chain", "role": "director", "mode": "sequential"},
                       {"name": "Picked", "approver": "chosen", "mode": "any"}]}
    design(tenant_a, org.boss, route)
    customer = add(tenant_a, org.sales1, "客户")
    q = quote(tenant_a, org.sales1, customer, [(product(tenant_a, org.boss, "P"), "1", "10", "0")])
    with in_tenant(tenant_a):
        assert services.chosen_steps(q) == [(1, "Picked")]
        with pytest.raises(ValidationError) as caught:
            services.submit(q, by=org.sales1)
        assert "chosen.1" in caught.value.message_dict
        approval = services.submit(q, by=org.sales1, chosen={1: [org.sales_w.pk]})
        assert [n["approvers"] for n in approval.plan] == [[org.manager.pk, org.director.pk], [org.sales_w.pk]]


def test_transfer_add_signer_cc_and_withdraw(org, tenant_a, big_quote):
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
        services.transfer(approval, by=org.manager, to=org.sales2, comment="出差")
        with pytest.raises(PermissionDenied):
            services.approve(approval, by=org.manager)
        services.add_signer(approval, by=org.sales2, user=org.sales_w)
        services.cc(approval, by=org.sales2, users=[org.cs])
        services.approve(approval, by=org.sales2)  # 或签: the added signer is no longer needed
        approval.refresh_from_db()
        assert approval.node == 1
        services.withdraw(approval, by=org.sales1)
        approval.refresh_from_db()
        assert approval.status == "withdrawn" and not services.waiting_for(org.director).exists()
        actions = [e.action for e in services.timeline(big_quote)]
        assert actions == ["submitted", "transferred", "added_signer", "cc", "approved", "withdrawn"]
        from saas_core.activities.models import Notification

        assert Notification.objects.filter(user=org.cs, url=approval.url).exists()


def test_an_edited_flow_leaves_a_pending_approval_on_its_path(org, tenant_a, big_quote):
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
        path_before = services.remaining_path(approval)
        # The Boss replaces the route: one step, the Boss only.
        flows.save_route(DOC, 0, {"name": "New", "priority": 1, "conditions": [],
                                  "nodes": [{"name": "Boss", "approver": "users", "users": [org.boss.pk],
                                             "mode": "any"}]}, by=org.boss)
        approval.refresh_from_db()
        assert services.remaining_path(approval) == path_before
        services.approve(approval, by=org.manager)
        approval.refresh_from_db()
        assert approval.node_name() == "Director" and services.waiting_for(org.director).exists()
        assert not services.waiting_for(org.boss).exists()
        assert approval.version.number < flows.current(DOC)[0].version.number


def test_the_route_is_chosen_by_priority_and_condition(org, tenant_a):
    design(tenant_a, org.boss,
           {"name": "Category", "priority": 5, "conditions": [{"field": "owner_role", "op": "in", "values": ["sales"]}],
            "nodes": [{"name": "Director", "approver": "role", "role": "director", "mode": "any"}]},
           {"name": "Between", "priority": 1,
            "conditions": [{"field": "amount", "op": "between", "value": "100", "value2": "200"},
                           {"field": "department", "op": "in", "values": [str(org.east.pk)]}],
            "nodes": [{"name": "Manager", "approver": "superior", "levels": 1, "mode": "any"}]})
    customer = add(tenant_a, org.sales1, "客户")
    p = product(tenant_a, org.boss, "P")
    inside = quote(tenant_a, org.sales1, customer, [(p, "1", "150", "0")])
    outside = quote(tenant_a, org.sales1, customer, [(p, "1", "250", "0")])
    with in_tenant(tenant_a):
        assert services.submit(inside, by=org.sales1).route == "Between"
        assert services.submit(outside, by=org.sales1).route == "Category"


def test_bad_routes_get_field_errors(org, tenant_a):
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as caught:
            flows.save_route(DOC, None, {"name": "", "priority": "x",
                                         "conditions": [{"field": "amount", "op": "between", "value": "9",
                                                         "value2": "1"}],
                                         "nodes": [{"name": "", "approver": "superior", "levels": 99}]}, by=org.boss)
        errors = caught.value.message_dict
        assert {"name", "priority", "conditions.0.value2", "nodes.0.name", "nodes.0.levels"} <= set(errors)
        with pytest.raises(PermissionDenied):
            flows.save_route(DOC, None, {"name": "x", "priority": 1, "conditions": [], "nodes": [
                {"name": "a", "approver": "role", "role": "director", "mode": "any"}]}, by=org.director)


def test_approvers_see_the_document_outside_their_scope_only_while_they_are_approvers(org, tenant_a, big_quote):
    from saas_core.org.scope import can_see, visible

    with in_tenant(tenant_a):
        assert not can_see(org.sales2, big_quote)
        approval = services.submit(big_quote, by=org.sales1)
        services.transfer(approval, by=org.manager, to=org.sales2)
        assert can_see(org.sales2, big_quote)
        assert visible(Quote.objects.all(), org.sales2).filter(pk=big_quote.pk).exists()
        services.approve(approval, by=org.sales2)
        big_quote.refresh_from_db()
        assert not can_see(org.sales2, big_quote)
        assert not visible(Quote.objects.all(), org.sales2).filter(pk=big_quote.pk).exists()
        assert big_quote.total == Decimal("12000.00")


def test_the_initiator_reminds_the_approvers_at_most_once_an_hour(org, tenant_a, big_quote):
    from datetime import timedelta

    from saas_core.activities.models import Notification

    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
        with pytest.raises(PermissionDenied):
            services.remind(approval, by=org.manager)
        assert services.remind(approval, by=org.sales1) == 1
        assert Notification.objects.filter(user=org.manager, title__startswith="Reminder").count() == 1
        with pytest.raises(ValidationError) as caught:
            services.remind(approval, by=org.sales1)
        assert "wait an hour" in caught.value.messages[0]
        Event.objects.filter(action="reminded").update(at=Event.objects.get(action="reminded").at - timedelta(hours=2))
        assert services.remind(approval, by=org.sales1) == 1
