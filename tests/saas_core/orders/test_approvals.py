"""Orders through the approval engine (APR-01 × ORD-01): an order the flow picks is confirmed by
its approval, not by hand; pending, its lines are locked; the modules hear ``crm_order_confirmed``
exactly once, also when the two approvers of an any-one (或签) step approve at the same moment."""

from __future__ import annotations

import queue
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from plugins.hookspecs import hookimpl
from saas_core.approvals import services as approvals
from saas_core.lines.services import LineInput
from saas_core.orders import services
from saas_core.orders.models import Order
from tests.conftest import PASSWORD, TenantInfo, api, in_tenant
from tests.saas_core.approvals.test_race import _first
from tests.saas_core.contracts.test_approvals import design
from tests.saas_core.orders.conftest import add, order, product
from tests.saas_core.records.test_bin_concurrency import LOCK_WAIT_TIMEOUT, _second

DOC = "orders.order"


class _Listener:
    """A module that listens for confirmed orders, as the inventory module does."""

    def __init__(self):
        self.heard: list[tuple[str, int | None]] = []

    @hookimpl
    def crm_module_info(self):
        return {"key": "order-listener", "name": "Order listener"}

    @hookimpl
    def crm_order_confirmed(self, order, user):
        self.heard.append((order.number, user.pk if user else None))


def _listen(pm) -> _Listener:
    listener = _Listener()
    pm.register(listener, name="order-listener")
    return listener


@pytest.mark.django_db
def test_an_order_over_the_amount_is_confirmed_by_its_approval_and_the_modules_hear_it_once(
        org, tenant_a, switch_module, django_capture_on_commit_callbacks):
    from billing.models import Module
    from plugins import enablement, manager

    design(tenant_a, org.boss, DOC, [{"field": "amount", "op": "gt", "value": "1000"}])
    customer = add(tenant_a, org.sales1, "订单审批客户")
    p = product(tenant_a, org.boss, "设备")
    o = order(tenant_a, org.sales1, customer, [(p, "2", "800", "0")])
    Module.objects.get_or_create(key="order-listener", defaults={"name": "Order listener"})
    pm = manager.get_plugin_manager()
    listener = _listen(pm)
    enablement._relays.clear()
    try:
        switch_module(tenant_a, "order-listener", True)
        with in_tenant(tenant_a), django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(ValidationError, match="needs approval"):
                services.confirm(o, by=org.sales1)
            approval = approvals.submit(o, by=org.sales1)
            o.refresh_from_db()
            assert o.status == Order.Status.PENDING_APPROVAL
            with pytest.raises(ValidationError, match="Only an order awaiting confirmation"):
                services.update_order(o, by=org.sales1, lines=[LineInput(p, "1", "1")], customer=customer)
            approvals.approve(approval, by=org.manager)
            assert listener.heard == []
            approvals.approve(approval, by=org.director)
            o.refresh_from_db()
            assert o.status == Order.Status.CONFIRMED and o.confirmed_at is not None
            services.confirm(o, by=org.sales1)  # a late click on "confirm": nothing new
        assert listener.heard == [(o.number, org.director.pk)]
    finally:
        pm.unregister(name="order-listener")
        enablement._relays.clear()


@pytest.mark.django_db
def test_a_withdrawn_order_is_awaiting_confirmation_again_and_editable(org, tenant_a):
    design(tenant_a, org.boss, DOC, [{"field": "amount", "op": "gt", "value": "1000"}])
    customer = add(tenant_a, org.sales1, "撤回客户")
    p = product(tenant_a, org.boss, "撤回产品")
    o = order(tenant_a, org.sales1, customer, [(p, "2", "800", "0")])
    with in_tenant(tenant_a):
        approval = approvals.submit(o, by=org.sales1)
        approvals.withdraw(approval, by=org.sales1)
        o.refresh_from_db()
        assert o.status == Order.Status.DRAFT
        services.update_order(o, by=org.sales1, lines=[LineInput(p, "1", "800")], customer=customer)
        assert approvals.approval_state(o) == approvals.NONE
        services.confirm(o, by=org.sales1)
        assert o.status == Order.Status.CONFIRMED


# --- two approvers of an any-one step at the same moment ----------------------------------------------


@pytest.fixture
def workspace(live_db, settings):
    from billing.models import Module
    from billing.overrides import set_override
    from plugins import enablement, manager
    from saas_core.accounts.models import User
    from saas_core.approvals import flows
    from saas_core.customers.services import create_customer
    from saas_core.products.services import create_product
    from tenants import provisioning
    from tests.factories import UserFactory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sub = f"ord-race-{uuid.uuid4().hex[:6]}"
    email = f"boss@{sub}.example.com"
    ws = provisioning.create_workspace(company_name="Order Race Ltd", subdomain=sub, admin_name="Boss",
                                       email=email, password=PASSWORD, language="en")
    info = TenantInfo(ws.tenant.schema_name, ws.host, "Order Race Ltd", email)
    Module.objects.get_or_create(key="order-listener", defaults={"name": "Order listener"})
    pm = manager.get_plugin_manager()
    info.listener = _listen(pm)
    enablement._relays.clear()
    set_override(ws.tenant, "order-listener", True)
    with schema_context(info.schema):
        info.boss = User.objects.get(email=email)
        info.manager = UserFactory(username="m", role="manager")
        info.director = UserFactory(username="d", role="director")
        info.sales = UserFactory(username="s", role="sales", superior=info.manager)
        flows.save_route(DOC, None, {"name": "Any", "priority": 1, "conditions": [], "nodes": [
            {"name": "Either", "approver": "users", "users": [info.manager.pk, info.director.pk], "mode": "any"},
        ]}, by=info.boss)
        customer = create_customer(by=info.sales, name="并发订单客户", confirm_duplicates=True)
        p = create_product(by=info.boss, name="P", prices={"deal": "10"}, check_permission=False)
        info.order = services.create_order(by=info.sales, customer=customer, lines=[LineInput(p, "1")],
                                           check_permission=False)
    try:
        yield info
    finally:
        pm.unregister(name="order-listener")
        enablement._relays.clear()
        Module.objects.filter(key="order-listener").delete()


@pytest.mark.live
def test_two_approvers_of_an_any_one_step_at_once_confirm_the_order_once(workspace):
    from saas_core.approvals.models import Event

    with schema_context(workspace.schema):
        approval = approvals.submit(workspace.order, by=workspace.sales)
    pids: queue.Queue = queue.Queue()
    results: list = []
    answers: list = []
    threads = [
        threading.Thread(target=_first, args=(workspace.schema, approval.pk, workspace.manager.pk, pids, results)),
        threading.Thread(target=_second, args=(workspace, api(workspace, workspace.director), "post",
                                               f"/api/v1/approvals/{approval.pk}/approve/", pids, answers)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=LOCK_WAIT_TIMEOUT * 2)
    assert results == ["done"]
    assert answers[0].status_code == 409, answers[0].content
    assert workspace.listener.heard == [(workspace.order.number, workspace.manager.pk)]
    with schema_context(workspace.schema):
        workspace.order.refresh_from_db()
        assert workspace.order.status == Order.Status.CONFIRMED
        assert Event.objects.filter(approval=approval, action="approved").count() == 1
