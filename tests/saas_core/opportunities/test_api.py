"""The opportunity API: create, change stage with its history, bad input as a 400 field map in both
languages, types and stages for the Boss only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saas_core.dictionaries.services import get_item
from saas_core.opportunities.models import Opportunity, OpportunityType
from tests.conftest import api, in_tenant
from tests.saas_core.opportunities.conftest import add, stage, standard_type

pytestmark = pytest.mark.django_db


def test_create_move_and_read_the_history(org, tenant_a):
    customer = add(tenant_a, org.sales1, "接口客户")
    with in_tenant(tenant_a):
        kind = standard_type()
        proposal, lost = stage(kind, "Proposal and quote"), stage(kind, "Lost")
        reason = get_item("lost_reason", "price")
    rest = api(tenant_a, org.sales1)
    created = rest.post("/api/v1/opportunities/", {"subject": "API deal", "customer": customer.pk, "type": kind.pk,
                                                   "expected_amount": "1234.50"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["stage_detail"]["label"] == "Initial contact" and body["probability"] == 10
    assert Decimal(body["expected_amount"]) == Decimal("1234.50") and body["days_in_stage"] == 0
    pk = body["id"]
    moved = rest.post(f"/api/v1/opportunities/{pk}/stage/", {"stage": proposal.pk, "note": "quoted"}, format="json")
    assert moved.status_code == 200 and moved.json()["probability"] == 50
    refused = rest.post(f"/api/v1/opportunities/{pk}/stage/", {"stage": lost.pk}, format="json")
    assert refused.status_code == 400 and "lost_reason" in refused.json()["errors"]
    assert rest.post(f"/api/v1/opportunities/{pk}/stage/", {"stage": lost.pk, "lost_reason": reason.pk},
                     format="json").status_code == 200
    history = rest.get(f"/api/v1/opportunities/{pk}/history/").json()
    assert [(h["from_stage"] and h["from_stage"]["label"], h["to_stage"]["label"]) for h in history] == [
        ("Proposal and quote", "Lost"), ("Initial contact", "Proposal and quote"), (None, "Initial contact")]
    assert history[0]["lost_reason"] == reason.label
    patched = rest.patch(f"/api/v1/opportunities/{pk}/", {"stage": proposal.pk}, format="json")
    assert patched.status_code == 400 and "stage" in patched.json()["errors"]
    assert rest.get("/api/v1/opportunities/?outcome=lost").json()["count"] == 1
    assert rest.delete(f"/api/v1/opportunities/{pk}/").status_code == 403  # Sales may not delete
    assert api(tenant_a, org.boss).delete(f"/api/v1/opportunities/{pk}/").status_code == 204
    with in_tenant(tenant_a):
        assert Opportunity.all_objects.filter(pk=pk, deleted_at__isnull=False).exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_bad_input_is_a_400_field_map(org, tenant_a, language):
    customer = add(tenant_a, org.sales1, "坏输入客户")
    with in_tenant(tenant_a):
        kind = standard_type()
        foreign = OpportunityType.objects.get(name_en="Tender").stages.first()
        type(org.sales1).objects.filter(pk=org.sales1.pk).update(language=language)
    rest = api(tenant_a, org.sales1)
    rest.credentials(HTTP_ACCEPT_LANGUAGE=language)
    base = {"subject": "Bad", "customer": customer.pk, "type": kind.pk}
    cases = {
        "stage": {**base, "stage": foreign.pk},
        "expected_amount": {**base, "expected_amount": "10.555"},
        "probability": {**base, "probability": 120},
        "subject": {**base, "subject": ""},
    }
    for field, payload in cases.items():
        response = rest.post("/api/v1/opportunities/", payload, format="json")
        assert response.status_code == 400, (field, response.content)
        assert field in response.json()["errors"], (field, response.json())
    blank = rest.post("/api/v1/opportunities/", cases["subject"], format="json").json()["errors"]["subject"][0]
    assert blank == ("该字段不能为空。" if language == "zh-hans" else "This field may not be blank.")
    with in_tenant(tenant_a):
        assert not Opportunity.objects.filter(customer=customer).exists()


def test_types_and_stages_read_by_all_changed_by_the_boss(org, tenant_a):
    sales = api(tenant_a, org.sales1)
    types = sales.get("/api/v1/opportunity-types/").json()["results"]
    assert {t["name_en"] for t in types} >= {"New business", "Tender"}
    assert sales.post("/api/v1/opportunity-types/", {"name_zh": "x"}, format="json").status_code == 403
    boss = api(tenant_a, org.boss)
    created = boss.post("/api/v1/opportunity-types/", {"name_zh": "渠道项目", "name_en": "Channel"}, format="json")
    assert created.status_code == 201
    kind = created.json()["id"]
    a = boss.post("/api/v1/opportunity-stages/", {"type": kind, "name_zh": "接洽", "probability": 20}, format="json").json()
    b = boss.post("/api/v1/opportunity-stages/", {"type": kind, "name_zh": "成交", "probability": 100, "outcome": "won"},
                  format="json").json()
    bad = boss.post("/api/v1/opportunity-stages/", {"type": kind, "name_zh": "坏", "probability": 101}, format="json")
    assert bad.status_code == 400 and "probability" in bad.json()["errors"]
    order = boss.post(f"/api/v1/opportunity-types/{kind}/reorder/", {"stages": [b["id"], a["id"]]}, format="json")
    assert [s["id"] for s in order.json()] == [b["id"], a["id"]]
    assert [s["id"] for s in sales.get(f"/api/v1/opportunity-stages/?type={kind}").json()["results"]] == [b["id"], a["id"]]
