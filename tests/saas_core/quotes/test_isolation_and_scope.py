"""Tenant isolation (another company's quote ids are 404 everywhere) and the data scope per role."""

from __future__ import annotations

import pytest

from saas_core.quotes.models import Quote
from tests.conftest import api
from tests.saas_core.quotes.conftest import add, product, quote
from tests.saas_core.records.isolation import (
    assert_all_404,
    body,
    expected_by_role,
    exported_cells,
    role_users,
    shown,
    unused_in,
)

pytestmark = pytest.mark.django_db
SECRET = "Alpha-only quote"


def test_company_b_cannot_reach_company_a_quotes(org, tenant_a, tenant_b, client_for, make_user):
    customer = add(tenant_a, org.boss, "Alpha customer")
    p = product(tenant_a, org.boss, "Alpha product")
    q = quote(tenant_a, org.boss, customer, [(p, "1", "10", "0")], subject=SECRET)
    unused_in(tenant_b, Quote, q.pk)
    boss_b = make_user(tenant_b, role="boss", username="boss-b-quotes")
    web = client_for(tenant_b, boss_b)
    assert_all_404(web, [
        ("get", f"/quotes/{q.pk}/"), ("get", f"/quotes/{q.pk}/edit/"), ("post", f"/quotes/{q.pk}/edit/"),
        ("get", f"/quotes/{q.pk}/print/"), ("post", f"/quotes/{q.pk}/copy/"), ("post", f"/quotes/{q.pk}/status/"),
        ("get", f"/quotes/{q.pk}/delete/"), ("post", f"/quotes/{q.pk}/delete/"),
        ("get", f"/quotes/new/?customer={customer.pk}"),
    ], {"status": "sent"})
    for url in ("/quotes/", "/quotes/?q=Alpha", "/imports/export/quotes.xlsx", "/workbench/", "/search/?q=Alpha",
                f"/quotes/last-prices/?customer={customer.pk}&product={p.pk}",
                f"/quotes/opportunities/?customer={customer.pk}"):
        content = body(web.get(url))
        assert SECRET.encode() not in content, url
        assert b"10.00" not in content or url.startswith("/workbench"), url
    rest = api(tenant_b, boss_b)
    assert rest.get(f"/api/v1/quotes/{q.pk}/").status_code == 404
    assert rest.patch(f"/api/v1/quotes/{q.pk}/", {"subject": "x"}, format="json").status_code == 404
    assert rest.delete(f"/api/v1/quotes/{q.pk}/").status_code == 404
    assert rest.post(f"/api/v1/quotes/{q.pk}/status/", {"status": "sent"}, format="json").status_code == 404
    assert rest.post(f"/api/v1/quotes/{q.pk}/copy/").status_code == 404
    assert SECRET not in rest.get("/api/v1/quotes/?q=Alpha").content.decode()
    # Company A's customer and product ids do not make a quote in company B.
    made = rest.post("/api/v1/quotes/", {"customer": customer.pk, "lines": [{"product": p.pk, "quantity": "1"}]},
                     format="json")
    assert made.status_code == 400


EAST, WEST = "East quote", "West quote"
EXPECTED = expected_by_role(EAST, WEST)


@pytest.fixture
def world(org, tenant_a):
    east = add(tenant_a, org.sales1, "华东客户")
    west = add(tenant_a, org.sales_w, "华西客户")
    p = product(tenant_a, org.boss, "范围产品")
    east_q = quote(tenant_a, org.sales1, east, [(p, "1", "10", "0")], subject=EAST)
    west_q = quote(tenant_a, org.sales_w, west, [(p, "1", "10", "0")], subject=WEST)
    return role_users(org), east_q, west_q, p


@pytest.mark.parametrize("role", list(EXPECTED))
def test_data_scope_per_role(world, role, tenant_a, client_for):
    users, east_q, west_q, p = world
    user, expected = users[role], EXPECTED[role]
    web, rest = client_for(tenant_a, user), api(tenant_a, user)
    if expected is None:
        assert web.get("/quotes/").status_code == 403
        assert rest.get("/api/v1/quotes/").status_code == 403
        assert web.get(f"/quotes/{east_q.pk}/").status_code == 403
        return
    page = web.get("/quotes/").content.decode()
    assert shown(page, (EAST, WEST)) == expected
    listed = {row["subject"] for row in rest.get("/api/v1/quotes/").json()["results"]}
    assert listed == expected
    export = web.get("/imports/export/quotes.xlsx")
    if export.status_code == 200:
        assert shown(exported_cells(export), (EAST, WEST)) == expected
    for q in (east_q, west_q):
        assert web.get(f"/quotes/{q.pk}/").status_code == (200 if q.subject in expected else 404), (role, q.subject)
        assert web.get(f"/quotes/{q.pk}/print/").status_code == (200 if q.subject in expected else 404)
    interested = web.get(f"/products/{p.pk}/").content.decode()
    for q in (east_q, west_q):
        assert (q.number in interested) == (q.subject in expected), (role, q.number)
