"""Tenant isolation (another company's contract ids are 404 everywhere) and the data scope per
role for the contract pages, API, export and the customer 360° panel."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from saas_core.contracts.models import Contract
from tests.conftest import api, in_tenant
from tests.saas_core.contracts.conftest import add, contract, product

pytestmark = pytest.mark.django_db
SECRET = "Alpha-only contract"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_company_b_cannot_reach_company_a_contracts(org, tenant_a, tenant_b, client_for, make_user):
    customer = add(tenant_a, org.boss, "Alpha customer")
    p = product(tenant_a, org.boss, "Alpha product")
    c = contract(tenant_a, org.boss, customer, [(p, "1", "10", "0")], title=SECRET)
    with in_tenant(tenant_b):
        assert not Contract._base_manager.filter(pk=c.pk).exists(), "pick ids B does not have"
    boss_b = make_user(tenant_b, role="boss", username="boss-b-contracts")
    web = client_for(tenant_b, boss_b)
    for method, url in [
        ("get", f"/contracts/{c.pk}/"), ("get", f"/contracts/{c.pk}/edit/"), ("post", f"/contracts/{c.pk}/edit/"),
        ("get", f"/contracts/{c.pk}/print/"), ("post", f"/contracts/{c.pk}/status/"),
        ("post", f"/contracts/{c.pk}/plans/"), ("post", f"/contracts/{c.pk}/deliveries/"),
        ("get", f"/contracts/{c.pk}/delete/"), ("post", f"/contracts/{c.pk}/delete/"),
        ("get", f"/contracts/new/?customer={customer.pk}"), ("post", f"/orders/from-contract/{c.pk}/"),
        ("get", f"/attachments/contract/{c.pk}/"),
    ]:
        response = getattr(web, method)(url, {"status": "in_progress"} if method == "post" else {})
        assert response.status_code == 404, (method, url, response.status_code)
    for url in ("/contracts/", "/contracts/?q=Alpha", "/imports/export/contracts.xlsx", "/search/?q=Alpha",
                f"/contracts/last-prices/?customer={customer.pk}&product={p.pk}",
                f"/contracts/parties/?customer={customer.pk}"):
        body = _body(web.get(url))
        assert SECRET.encode() not in body and c.number.encode() not in body, url
    rest = api(tenant_b, boss_b)
    assert rest.get(f"/api/v1/contracts/{c.pk}/").status_code == 404
    assert rest.patch(f"/api/v1/contracts/{c.pk}/", {"title": "x"}, format="json").status_code == 404
    assert rest.delete(f"/api/v1/contracts/{c.pk}/").status_code == 404
    assert rest.post(f"/api/v1/contracts/{c.pk}/status/", {"status": "in_progress"}, format="json").status_code == 404
    assert rest.post(f"/api/v1/contracts/{c.pk}/delivery-plans/", {}, format="json").status_code == 404
    assert SECRET not in rest.get("/api/v1/contracts/?q=Alpha").content.decode()
    made = rest.post("/api/v1/contracts/", {"customer": customer.pk, "title": "x",
                                            "lines": [{"product": p.pk, "quantity": "1"}]}, format="json")
    assert made.status_code == 400


EAST, WEST = "East contract", "West contract"
EXPECTED = {
    "boss": {EAST, WEST}, "director": {EAST, WEST}, "manager": {EAST}, "sales1": {EAST}, "sales_w": {WEST},
    "customer_service": None, "system_maintainer": None,
}


@pytest.fixture
def world(org, tenant_a):
    east = add(tenant_a, org.sales1, "华东合同客户")
    west = add(tenant_a, org.sales_w, "华西合同客户")
    p = product(tenant_a, org.boss, "合同范围产品")
    east_c = contract(tenant_a, org.sales1, east, [(p, "1", "10", "0")], title=EAST)
    west_c = contract(tenant_a, org.sales_w, west, [(p, "1", "10", "0")], title=WEST)
    users = {"boss": org.boss, "director": org.director, "manager": org.manager, "sales1": org.sales1,
             "sales_w": org.sales_w, "customer_service": org.cs, "system_maintainer": org.maintainer}
    return users, east_c, west_c, east


@pytest.mark.parametrize("role", list(EXPECTED))
def test_data_scope_per_role(world, role, tenant_a, client_for):
    users, east_c, west_c, east = world
    user, expected = users[role], EXPECTED[role]
    web, rest = client_for(tenant_a, user), api(tenant_a, user)
    if expected is None:
        assert web.get("/contracts/").status_code == 403
        assert rest.get("/api/v1/contracts/").status_code == 403
        assert web.get(f"/contracts/{east_c.pk}/").status_code == 403
        return
    page = web.get("/contracts/").content.decode()
    assert {name for name in (EAST, WEST) if name in page} == expected
    assert {row["title"] for row in rest.get("/api/v1/contracts/").json()["results"]} == expected
    export = web.get("/imports/export/contracts.xlsx")
    if export.status_code == 200:
        cells = {c.value for row in load_workbook(io.BytesIO(_body(export))).active.iter_rows() for c in row}
        assert {name for name in (EAST, WEST) if name in cells} == expected
    for c in (east_c, west_c):
        seen = c.title in expected
        assert web.get(f"/contracts/{c.pk}/").status_code == (200 if seen else 404), (role, c.title)
        assert web.get(f"/contracts/{c.pk}/print/").status_code == (200 if seen else 404)
        assert rest.get(f"/api/v1/contracts/{c.pk}/").status_code == (200 if seen else 404)
    if EAST in expected:
        panel = web.get(f"/customers/{east.pk}/panels/contracts/")
        assert panel.status_code == 200 and east_c.number in panel.content.decode()
