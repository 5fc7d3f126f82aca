"""Tenant isolation (another company's opportunity ids are 404 everywhere) and the data scope per role."""

from __future__ import annotations

import pytest

from saas_core.opportunities.models import Opportunity, Stage
from tests.conftest import api, in_tenant
from tests.saas_core.opportunities.conftest import add, opportunity
from tests.saas_core.org.conftest import build_org
from tests.saas_core.records.isolation import (
    assert_all_404,
    assert_never_shown,
    expected_by_role,
    role_users,
    shown,
    unused_in,
)

pytestmark = pytest.mark.django_db
SECRET = "Alpha-only deal"


def test_company_b_cannot_reach_company_a_opportunities(org, tenant_a, tenant_b, client_for, make_user):
    customer = add(tenant_a, org.boss, "Alpha customer")
    deal = opportunity(tenant_a, org.boss, customer, SECRET)
    with in_tenant(tenant_a):
        stage_id = deal.stage_id
    pk = unused_in(tenant_b, Opportunity, deal.pk)
    boss_b = make_user(tenant_b, role="boss", username="boss-b-opps")
    web = client_for(tenant_b, boss_b)
    assert_all_404(web, [
        ("get", f"/opportunities/{pk}/"), ("get", f"/opportunities/{pk}/edit/"), ("post", f"/opportunities/{pk}/edit/"),
        ("get", f"/opportunities/{pk}/delete/"), ("post", f"/opportunities/{pk}/delete/"),
        ("post", f"/opportunities/{pk}/stage/"), ("get", f"/opportunities/new/?customer={customer.pk}"),
    ], {"stage": stage_id})
    assert_never_shown(web, ("/opportunities/", "/opportunities/board/", "/opportunities/funnel/", "/opportunities/?q=Alpha",
                             "/imports/export/opportunities.xlsx", "/workbench/",
                             f"/opportunities/pick/?customer={customer.pk}"), SECRET)
    rest = api(tenant_b, boss_b)
    for url in (f"/api/v1/opportunities/{pk}/", f"/api/v1/opportunities/{pk}/history/"):
        assert rest.get(url).status_code == 404, url
    assert rest.patch(f"/api/v1/opportunities/{pk}/", {"subject": "x"}, format="json").status_code == 404
    assert rest.delete(f"/api/v1/opportunities/{pk}/").status_code == 404
    assert rest.post(f"/api/v1/opportunities/{pk}/stage/", {"stage": stage_id}, format="json").status_code == 404
    assert SECRET not in rest.get("/api/v1/opportunities/?q=Alpha").content.decode()
    assert SECRET not in rest.get("/api/v1/opportunities/funnel/").content.decode()


EAST, WEST = "East deal", "West deal"
# role: what the list, API and funnel show; may it open the list at all
EXPECTED = expected_by_role(EAST, WEST)


@pytest.fixture
def world(tenant_a, boss_a, make_user):
    org = build_org(tenant_a, boss_a, make_user)
    east = add(tenant_a, org.sales1, "华东客户")
    west = add(tenant_a, org.sales_w, "华西客户")
    east_deal = opportunity(tenant_a, org.sales1, east, EAST)
    west_deal = opportunity(tenant_a, org.sales_w, west, WEST)
    return role_users(org), east_deal, west_deal


@pytest.mark.parametrize("role", list(EXPECTED))
def test_data_scope_per_role(world, role, tenant_a, client_for):
    users, east_deal, west_deal = world
    user, expected = users[role], EXPECTED[role]
    web, rest = client_for(tenant_a, user), api(tenant_a, user)
    if expected is None:
        assert web.get("/opportunities/").status_code == 403
        assert rest.get("/api/v1/opportunities/").status_code == 403
        assert web.get(f"/opportunities/{east_deal.pk}/").status_code == 403
        return
    page = web.get("/opportunities/").content.decode()
    assert shown(page, (EAST, WEST)) == expected
    listed = {row["subject"] for row in rest.get("/api/v1/opportunities/").json()["results"]}
    assert listed == expected
    board = web.get("/opportunities/board/").content.decode()
    assert shown(board, (EAST, WEST)) == expected
    assert rest.get("/api/v1/opportunities/funnel/").json()["count"] == len(expected)
    for deal in (east_deal, west_deal):
        status = web.get(f"/opportunities/{deal.pk}/").status_code
        assert status == (200 if deal.subject in expected else 404), (role, deal.subject)
    with in_tenant(tenant_a):
        lost = Stage.objects.get(type=east_deal.type, name_en="Needs analysis")
    moved = web.post(f"/opportunities/{west_deal.pk}/stage/", {"stage": lost.pk}, HTTP_ACCEPT="application/json")
    assert moved.status_code == (200 if WEST in expected else 404)
