"""Contracts through the approval engine (APR-01 × CTR-01): a contract over the flow's amount cannot
be signed by hand; submitted, it is "awaiting approval" with its lines locked; the last approval
makes it effective (in progress, signed); a reject puts it back to draft for changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saas_core.approvals import flows
from saas_core.approvals import services as approvals
from saas_core.contracts import services
from saas_core.contracts.models import Contract
from saas_core.lines.services import LineInput
from tests.conftest import in_tenant
from tests.saas_core.contracts.conftest import add, contract, product

pytestmark = pytest.mark.django_db
DOC = "contracts.contract"


def design(tenant, boss, doc: str, conditions: list[dict]) -> None:
    with in_tenant(tenant):
        flows.save_route(doc, None, {"name": "Large", "priority": 1, "conditions": conditions, "nodes": [
            {"name": "Manager", "approver": "superior", "levels": 1, "mode": "any"},
            {"name": "Director", "approver": "role", "role": "director", "mode": "any"}]}, by=boss)


@pytest.fixture
def big(org, tenant_a):
    design(tenant_a, org.boss, DOC, [{"field": "amount", "op": "gt", "value": "10000"}])
    customer = add(tenant_a, org.sales1, "合同审批客户")
    p = product(tenant_a, org.boss, "服务器")
    return contract(tenant_a, org.sales1, customer, [(p, "1", "12000", "0")]), p


def test_a_contract_over_the_amount_is_signed_by_its_approval_not_by_hand(org, tenant_a, big):
    c, p = big
    with in_tenant(tenant_a):
        assert approvals.approval_state(c) == approvals.REQUIRED
        with pytest.raises(ValidationError, match="needs approval"):
            services.set_status(c, Contract.Status.IN_PROGRESS, by=org.sales1)
        approval = approvals.submit(c, by=org.sales1)
        c.refresh_from_db()
        assert c.status == Contract.Status.PENDING_APPROVAL
        with pytest.raises(ValidationError):
            services.update_contract(c, by=org.sales1, lines=[LineInput(p, "1", "1")], title="x")
        approvals.approve(approval, by=org.manager)
        c.refresh_from_db()
        assert c.status == Contract.Status.PENDING_APPROVAL and c.signed_on is None
        approvals.approve(approval, by=org.director)
        c.refresh_from_db()
        assert c.status == Contract.Status.IN_PROGRESS and c.signed_on is not None


def test_a_rejected_contract_is_a_draft_again_and_its_edit_goes_through_the_flow_again(org, tenant_a, big):
    c, p = big
    with in_tenant(tenant_a):
        approval = approvals.submit(c, by=org.sales1)
        approvals.approve(approval, by=org.manager)
        approvals.reject(approval, by=org.director, comment="Too expensive")
        c.refresh_from_db()
        assert c.status == Contract.Status.DRAFT
        services.update_contract(c, by=org.sales1, lines=[LineInput(p, "1", "11000")], title=c.title,
                                 customer=c.customer)
        assert approvals.approval_state(c) == approvals.REQUIRED
        again = approvals.submit(c, by=org.sales1)
        assert again.node == 0 and again.values["amount"] == "11000"


def test_a_small_contract_needs_no_approval_and_is_signed_by_hand(org, tenant_a, big):
    _c, p = big
    customer = add(tenant_a, org.sales1, "小合同客户")
    small = contract(tenant_a, org.sales1, customer, [(p, "1", "500", "0")])
    with in_tenant(tenant_a):
        assert approvals.approval_state(small) == approvals.NONE
        services.set_status(small, Contract.Status.IN_PROGRESS, by=org.sales1)
        assert small.status == Contract.Status.IN_PROGRESS


@pytest.mark.parametrize(("condition", "matches"), [
    ({"field": "discount", "op": "gt", "value": "15"}, True),
    ({"field": "discount", "op": "gt", "value": "25"}, False),
    ({"field": "owner_role", "op": "in", "values": ["sales"]}, True),
    ({"field": "owner_role", "op": "in", "values": ["manager"]}, False),
])
def test_the_conditions_read_the_contracts_discount_and_owner(org, tenant_a, condition, matches):
    design(tenant_a, org.boss, DOC, [condition])
    customer = add(tenant_a, org.sales1, "条件客户")
    p = product(tenant_a, org.boss, "条件产品")
    c = contract(tenant_a, org.sales1, customer, [(p, "1", "100", "20")])
    with in_tenant(tenant_a):
        assert approvals.current_values(c)["discount"] == "20"
        assert c.total == Decimal("80.00")
        assert (approvals.approval_state(c) == approvals.REQUIRED) is matches


def test_the_department_condition_takes_sub_departments(org, tenant_a):
    design(tenant_a, org.boss, DOC, [{"field": "department", "op": "in", "values": [str(org.east.pk)]}])
    p = product(tenant_a, org.boss, "部门产品")
    east = contract(tenant_a, org.sales2, add(tenant_a, org.sales2, "部门客户"), [(p, "1", "100", "0")])  # sales2 is in Shanghai, under East
    west = contract(tenant_a, org.sales_w, add(tenant_a, org.sales_w, "西部客户"), [(p, "1", "100", "0")])
    with in_tenant(tenant_a):
        assert approvals.approval_state(east) == approvals.REQUIRED
        assert approvals.approval_state(west) == approvals.NONE


def test_the_contract_page_shows_the_approval_panel_and_no_sign_button_while_approval_is_needed(
        org, tenant_a, big, client_for):
    c, _p = big
    client = client_for(tenant_a, org.sales1)
    page = client.get(f"/contracts/{c.pk}/").content.decode()
    assert 'data-testid="approval-panel"' in page and 'data-state="required"' in page
    assert 'data-testid="status-in_progress"' not in page
