"""Exactly one decision (APR-01 must-hold): two approvers of an any-one (或签) step approving at the
same moment, and one approver's replayed call, record one decision; the second gets a 409.

Real concurrent transactions on committed data in a workspace of its own (``live_db`` drops it):
the first approve runs in a thread that holds the approval's lock until the second API call is
seen *waiting on that lock* in ``pg_locks``, so the overlap is forced, not left to luck.
"""

from __future__ import annotations

import queue
import threading
import uuid

import pytest
from django.db import connections, transaction
from django.utils import translation
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD, TenantInfo, api
from tests.saas_core.records.test_bin_concurrency import LOCK_WAIT_TIMEOUT, _second, _wait_until_blocked


def _first(schema: str, approval_pk: int, user_pk: int, pids: queue.Queue, results: list) -> None:
    from saas_core.accounts.models import User
    from saas_core.approvals import services
    from saas_core.approvals.models import Approval

    try:
        with schema_context(schema), translation.override("en"), transaction.atomic():
            services.approve(Approval.objects.get(pk=approval_pk), by=User.objects.get(pk=user_pk))
            _wait_until_blocked(pids.get(timeout=LOCK_WAIT_TIMEOUT))
        results.append("done")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.append(repr(exc))
    finally:
        connections.close_all()


@pytest.fixture
def workspace(live_db, settings):
    from saas_core.accounts.models import User
    from saas_core.approvals import flows
    from saas_core.customers.services import create_customer
    from saas_core.products.services import create_product
    from saas_core.quotes.services import LineInput, create_quote
    from tenants import provisioning
    from tests.factories import UserFactory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sub = f"apr-race-{uuid.uuid4().hex[:6]}"
    email = f"boss@{sub}.example.com"
    ws = provisioning.create_workspace(company_name="Approval Race Ltd", subdomain=sub, admin_name="Boss",
                                       email=email, password=PASSWORD, language="en")
    info = TenantInfo(ws.tenant.schema_name, ws.host, "Approval Race Ltd", email)
    with schema_context(info.schema):
        info.boss = User.objects.get(email=email)
        info.manager = UserFactory(username="m", role="manager")
        info.director = UserFactory(username="d", role="director")
        info.sales = UserFactory(username="s", role="sales", superior=info.manager)
        flows.save_route("quotes.quote", None, {"name": "Any", "priority": 1, "conditions": [], "nodes": [
            {"name": "Either", "approver": "users", "users": [info.manager.pk, info.director.pk], "mode": "any"},
        ]}, by=info.boss)
        customer = create_customer(by=info.sales, name="并发客户", confirm_duplicates=True)
        product = create_product(by=info.boss, name="P", prices={"quote": "10"}, check_permission=False)
        info.quote = create_quote(by=info.sales, customer=customer, lines=[LineInput(product, "1")],
                                  check_permission=False)
    return info


@pytest.mark.live
@pytest.mark.parametrize("second_person", ["director", "manager"])
def test_two_approvals_at_the_same_moment_record_one_decision(workspace, second_person):
    from saas_core.approvals import services
    from saas_core.approvals.models import Event

    with schema_context(workspace.schema):
        approval = services.submit(workspace.quote, by=workspace.sales)
    second = getattr(workspace, second_person)
    pids: queue.Queue = queue.Queue()
    results: list = []
    answers: list = []
    threads = [
        threading.Thread(target=_first, args=(workspace.schema, approval.pk, workspace.manager.pk, pids, results)),
        threading.Thread(target=_second, args=(workspace, api(workspace, second), "post",
                                               f"/api/v1/approvals/{approval.pk}/approve/", pids, answers)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=LOCK_WAIT_TIMEOUT * 2)
    assert results == ["done"]
    response = answers[0]
    assert response.status_code == 409, response.content
    assert "already" in response.json()["detail"] and "decided" in response.json()["detail"]
    with schema_context(workspace.schema):
        assert Event.objects.filter(approval=approval, action="approved").count() == 1
        approval.refresh_from_db()
        assert approval.status == "approved"
