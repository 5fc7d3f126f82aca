"""The approval pages: the designer, the quote's approval panel and timeline, acting from the page,
the 待我审批 list with batch approve, the counts on the workbench and the top bar, and a 403 with the
reason for someone who is not an approver."""

from __future__ import annotations

import pytest

from saas_core.approvals import flows, services
from saas_core.approvals.models import Approval
from tests.conftest import in_tenant
from tests.saas_core.approvals.conftest import DOC
from tests.saas_core.quotes.conftest import add, product, quote

pytestmark = pytest.mark.django_db


def _route_post(name: str, amount: str, *, director: str = "director") -> dict:
    return {
        "name": name, "priority": "1",
        "conditions-TOTAL_FORMS": "2", "conditions-INITIAL_FORMS": "0", "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "20",
        "conditions-0-field": "amount", "conditions-0-op": "gt", "conditions-0-value": amount,
        "nodes-TOTAL_FORMS": "3", "nodes-INITIAL_FORMS": "0", "nodes-MIN_NUM_FORMS": "0", "nodes-MAX_NUM_FORMS": "20",
        "nodes-0-name": "经理", "nodes-0-approver": "superior", "nodes-0-levels": "1", "nodes-0-mode": "any",
        "nodes-1-name": "总监", "nodes-1-approver": "role", "nodes-1-role": director, "nodes-1-mode": "any",
    }


def test_the_boss_designs_a_flow_with_field_errors_and_others_may_not(org, tenant_a, client_for):
    boss = client_for(tenant_a, org.boss)
    assert "Quote" in boss.get("/approvals/flows/").content.decode()
    page = boss.post("/approvals/flows/quotes.quote/routes/new/", _route_post("", "abc", director="")).content.decode()
    assert "Name the route." in page or "This field is required." in page
    page = boss.post("/approvals/flows/quotes.quote/routes/new/", _route_post("大额", "abc")).content.decode()
    assert "Enter a number." in page and 'data-error-for="conditions-0-value"' in page
    page = boss.post("/approvals/flows/quotes.quote/routes/new/", _route_post("大额", "10000", director="")).content
    assert b"Choose a role." in page and b'data-error-for="nodes-1-role"' in page
    with in_tenant(tenant_a):
        assert flows.current(DOC)[0] is None, "nothing half-written"
    assert boss.post("/approvals/flows/quotes.quote/routes/new/", _route_post("大额", "10000")).status_code == 302
    page = boss.get("/approvals/flows/quotes.quote/").content.decode()
    assert "大额" in page and "Quote total over 10000" in page and "总监" in page and "Version 1" in page
    with in_tenant(tenant_a):
        route = flows.current(DOC)[1]["routes"][0]
        assert [n["approver"] for n in route["nodes"]] == ["superior", "role"]
    director = client_for(tenant_a, org.director)
    assert director.get("/approvals/flows/").status_code == 403
    assert director.post("/approvals/flows/quotes.quote/routes/new/", _route_post("x", "1")).status_code == 403


def test_submit_approve_reject_from_the_quote_page_with_the_timeline(org, tenant_a, big_quote, client_for):
    sales = client_for(tenant_a, org.sales1)
    page = sales.get(f"/quotes/{big_quote.pk}/").content.decode()
    assert 'data-state="required"' in page and 'data-testid="submit-approval"' in page
    assert sales.post(f"/approvals/submit/quotes.quote/{big_quote.pk}/").status_code == 302
    page = sales.get(f"/quotes/{big_quote.pk}/").content.decode()
    assert 'data-state="pending"' in page and 'data-testid="edit-quote"' not in page
    assert "Manager Qian" in page and 'data-testid="withdraw"' in page
    edit = sales.get(f"/quotes/{big_quote.pk}/edit/", follow=True).content.decode()
    assert "waiting for approval" in edit
    with in_tenant(tenant_a):
        approval = Approval.objects.get()
    manager = client_for(tenant_a, org.manager)
    assert 'data-testid="approvals-count">1<' in manager.get("/workbench/").content.decode()
    assert manager.post(f"/approvals/{approval.pk}/approve/", {"comment": "同意"}).status_code == 302
    # A double click: one decision, and a message saying so.
    again = manager.post(f"/approvals/{approval.pk}/approve/", {"comment": "同意"}, follow=True).content.decode()
    assert "already decided" in again
    director = client_for(tenant_a, org.director)
    page = director.post(f"/approvals/{approval.pk}/reject/", {"comment": ""}, follow=True).content.decode()
    assert "Say why you reject it." in page
    director.post(f"/approvals/{approval.pk}/reject/", {"comment": "折扣过大"})
    page = sales.get(f"/quotes/{big_quote.pk}/").content.decode()
    assert 'data-state="rejected"' in page and "折扣过大" in page and "同意" in page
    assert page.count('data-testid="timeline-event"') == 3
    assert "Submit again" in page


def test_someone_who_is_not_an_approver_gets_a_403_with_the_reason(org, tenant_a, big_quote, client_for):
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
    boss = client_for(tenant_a, org.boss)  # sees every quote, but is not an approver of this step
    response = boss.post(f"/approvals/{approval.pk}/approve/")
    assert response.status_code == 403 and b"not an approver" in response.content
    # sales2 neither sees the quote nor takes part: as if it did not exist.
    assert client_for(tenant_a, org.sales2).post(f"/approvals/{approval.pk}/approve/").status_code == 404


def test_waiting_list_batch_approve_and_counts(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "客户")
    p = product(tenant_a, org.boss, "P")
    with in_tenant(tenant_a):
        flows.save_route(DOC, None, {"name": "All", "priority": 1, "conditions": [], "nodes": [
            {"name": "Manager", "approver": "superior", "levels": 1, "mode": "any"}]}, by=org.boss)
    quotes = [quote(tenant_a, org.sales1, customer, [(p, "1", str(10 + i), "0")]) for i in range(3)]
    with in_tenant(tenant_a):
        ids = [services.submit(q, by=org.sales1).pk for q in quotes]
    manager = client_for(tenant_a, org.manager)
    page = manager.get("/approvals/").content.decode()
    assert page.count('data-testid="approval-row"') == 3 and 'data-testid="waiting-count">3<' in page
    assert 'data-testid="workbench-approval-count">3<' in manager.get("/workbench/").content.decode()
    done = manager.post("/approvals/batch/", {"ids": ids[:2] + [999999]}, follow=True).content.decode()
    assert "2 approvals approved." in done and done.count('data-testid="approval-row"') == 1
    with in_tenant(tenant_a):
        assert Approval.objects.filter(status="approved").count() == 2
    mine = client_for(tenant_a, org.sales1).get("/approvals/?tab=mine").content.decode()
    assert mine.count('data-testid="approval-row"') == 3

