"""The approval API: waiting list, approve/reject/withdraw/transfer/submit, errors (400 field map, 403
with the reason, 409 for a replay), and tenant isolation (another company's approvals are 404)."""

from __future__ import annotations

import pytest

from saas_core.approvals import services
from saas_core.approvals.models import Approval
from tests.conftest import api, in_tenant

pytestmark = pytest.mark.django_db


def test_the_flow_through_the_api(org, tenant_a, big_quote):
    sales = api(tenant_a, org.sales1)
    response = sales.post("/api/v1/approvals/submit/", {"doc_type": "quotes.quote", "object_id": big_quote.pk},
                          format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["node_name"] == "Manager"
    manager = api(tenant_a, org.manager)
    waiting = manager.get("/api/v1/approvals/waiting/").json()
    assert [row["id"] for row in waiting["results"]] == [pk]
    assert manager.post(f"/api/v1/approvals/{pk}/approve/", {"comment": "ok"}, format="json").status_code == 200
    replay = manager.post(f"/api/v1/approvals/{pk}/approve/", {"comment": "ok"}, format="json")
    assert replay.status_code == 409
    director = api(tenant_a, org.director)
    bad = director.post(f"/api/v1/approvals/{pk}/reject/", {}, format="json")
    assert bad.status_code == 400 and "comment" in bad.json()["errors"]
    outsider = api(tenant_a, org.boss)
    refused = outsider.post(f"/api/v1/approvals/{pk}/approve/", {}, format="json")
    assert refused.status_code == 403 and "not an approver" in refused.json()["detail"]
    done = director.post(f"/api/v1/approvals/{pk}/reject/", {"comment": "太贵"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    events = sales.get(f"/api/v1/approvals/{pk}/").json()["events"]
    assert [(e["action"], e["comment"]) for e in events] == [("submitted", ""), ("approved", "ok"),
                                                             ("rejected", "太贵")]
    again = sales.post("/api/v1/approvals/submit/", {"doc_type": "quotes.quote", "object_id": big_quote.pk},
                       format="json").json()["id"]
    assert sales.post(f"/api/v1/approvals/{again}/withdraw/", {}, format="json").json()["status"] == "withdrawn"
    assert sales.get("/api/v1/approvals/").json()["count"] == 2


def test_transfer_and_bad_input(org, tenant_a, big_quote):
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
    manager = api(tenant_a, org.manager)
    bad = manager.post(f"/api/v1/approvals/{approval.pk}/transfer/", {"user": 999999}, format="json")
    assert bad.status_code == 400 and "user" in bad.json()["errors"]
    ok = manager.post(f"/api/v1/approvals/{approval.pk}/transfer/", {"user": org.sales2.pk}, format="json")
    assert ok.status_code == 200
    assert api(tenant_a, org.sales2).get("/api/v1/approvals/waiting/").json()["count"] == 1
    # sales2 now sees the quote (an approver), though it is outside their scope.
    assert api(tenant_a, org.sales2).get(f"/api/v1/quotes/{big_quote.pk}/").status_code == 200
    bad_submit = api(tenant_a, org.sales1).post("/api/v1/approvals/submit/", {"doc_type": "nope", "object_id": 1},
                                                format="json")
    assert bad_submit.status_code == 400 and "doc_type" in bad_submit.json()["errors"]


def test_company_b_cannot_see_or_act_on_company_a_approvals(org, tenant_a, tenant_b, big_quote, make_user,
                                                             client_for):
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
    with in_tenant(tenant_b):
        assert not Approval.objects.filter(pk=approval.pk).exists(), "pick ids B does not have"
    boss_b = make_user(tenant_b, role="boss", username="boss-b-approvals")
    rest = api(tenant_b, boss_b)
    assert rest.get(f"/api/v1/approvals/{approval.pk}/").status_code == 404
    for action in ("approve", "reject", "withdraw", "transfer", "add-signer", "cc"):
        assert rest.post(f"/api/v1/approvals/{approval.pk}/{action}/", {"comment": "x", "user": boss_b.pk,
                                                                        "users": [boss_b.pk]},
                         format="json").status_code == 404, action
    assert rest.post("/api/v1/approvals/submit/", {"doc_type": "quotes.quote", "object_id": big_quote.pk},
                     format="json").status_code == 404
    assert rest.get("/api/v1/approvals/").json()["count"] == 0
    assert rest.get("/api/v1/approvals/waiting/").json()["count"] == 0
    web = client_for(tenant_b, boss_b)
    for action in ("approve", "reject", "withdraw", "transfer", "add-signer", "cc"):
        assert web.post(f"/approvals/{approval.pk}/{action}/", {"comment": "x"}).status_code == 404
    assert web.post(f"/approvals/submit/quotes.quote/{big_quote.pk}/").status_code == 404
    assert big_quote.number.encode() not in web.get("/approvals/?tab=mine").content
    assert web.get("/approvals/flows/quotes.quote/").status_code == 200
    assert b"Large quotes" not in web.get("/approvals/flows/quotes.quote/").content
    with in_tenant(tenant_a):
        approval.refresh_from_db()
        assert approval.status == "pending"


def test_remind_through_the_api(org, tenant_a, big_quote):
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
    assert api(tenant_a, org.manager).post(f"/api/v1/approvals/{approval.pk}/remind/").status_code == 403
    response = api(tenant_a, org.sales1).post(f"/api/v1/approvals/{approval.pk}/remind/")
    assert response.status_code == 200 and response.json()["events"][-1]["action"] == "reminded"
    again = api(tenant_a, org.sales1).post(f"/api/v1/approvals/{approval.pk}/remind/")
    assert again.status_code == 400 and "wait an hour" in again.json()["detail"]
