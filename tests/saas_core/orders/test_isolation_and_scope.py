"""Tenant isolation for the order pages, API, export and shipments; the data scope per role; and
cost price / gross margin only for roles with the "see cost price" right (page, API, export)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from saas_core.orders import services
from saas_core.orders.models import Order
from tests.conftest import api, in_tenant
from tests.saas_core.orders.conftest import add, order, product

pytestmark = pytest.mark.django_db
SECRET_CUSTOMER = "Alpha order customer"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_company_b_cannot_reach_company_a_orders(org, tenant_a, tenant_b, client_for, make_user):
    customer = add(tenant_a, org.boss, SECRET_CUSTOMER)
    p = product(tenant_a, org.boss, "Alpha order product")
    o = order(tenant_a, org.boss, customer, [(p, "2", "10", "0")])
    with in_tenant(tenant_a):
        services.confirm(o, by=org.boss)
        shipment = services.ship(o, [services.ShipInput(o.lines.get(), "1")], by=org.boss)
    with in_tenant(tenant_b):
        assert not Order._base_manager.filter(pk=o.pk).exists(), "pick ids B does not have"
    boss_b = make_user(tenant_b, role="boss", username="boss-b-orders")
    web = client_for(tenant_b, boss_b)
    for method, url in [
        ("get", f"/orders/{o.pk}/"), ("get", f"/orders/{o.pk}/edit/"), ("post", f"/orders/{o.pk}/edit/"),
        ("post", f"/orders/{o.pk}/confirm/"), ("post", f"/orders/{o.pk}/cancel/"), ("post", f"/orders/{o.pk}/ship/"),
        ("post", f"/orders/{o.pk}/shipments/{shipment.pk}/void/"), ("get", f"/orders/{o.pk}/delete/"),
        ("post", f"/orders/{o.pk}/delete/"), ("get", f"/orders/new/?customer={customer.pk}"),
    ]:
        response = getattr(web, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    for url in ("/orders/", "/orders/?q=Alpha", "/imports/export/orders.xlsx", "/workbench/",
                f"/orders/last-prices/?customer={customer.pk}&product={p.pk}"):
        body = _body(web.get(url))
        assert SECRET_CUSTOMER.encode() not in body and o.number.encode() not in body, url
    rest = api(tenant_b, boss_b)
    for method, url in [("get", f"/api/v1/orders/{o.pk}/"), ("delete", f"/api/v1/orders/{o.pk}/"),
                        ("post", f"/api/v1/orders/{o.pk}/confirm/"), ("post", f"/api/v1/orders/{o.pk}/shipments/")]:
        assert getattr(rest, method)(url, format="json").status_code == 404, url
    assert SECRET_CUSTOMER not in rest.get("/api/v1/orders/?q=Alpha").content.decode()
    made = rest.post("/api/v1/orders/", {"customer": customer.pk, "lines": [{"product": p.pk, "quantity": "1"}]},
                     format="json")
    assert made.status_code == 400


EXPECTED = {
    "boss": {"east", "west"}, "director": {"east", "west"}, "manager": {"east"}, "sales1": {"east"},
    "sales_w": {"west"}, "customer_service": None, "system_maintainer": None,
}


@pytest.fixture
def world(org, tenant_a):
    east = add(tenant_a, org.sales1, "华东订单客户")
    west = add(tenant_a, org.sales_w, "华西订单客户")
    p = product(tenant_a, org.boss, "订单范围产品", cost="7.00")
    orders = {"east": order(tenant_a, org.sales1, east, [(p, "1", "10", "0")]),
              "west": order(tenant_a, org.sales_w, west, [(p, "1", "10", "0")])}
    users = {"boss": org.boss, "director": org.director, "manager": org.manager, "sales1": org.sales1,
             "sales_w": org.sales_w, "customer_service": org.cs, "system_maintainer": org.maintainer}
    return users, orders


@pytest.mark.parametrize("role", list(EXPECTED))
def test_data_scope_per_role(world, role, tenant_a, client_for):
    users, orders = world
    user, expected = users[role], EXPECTED[role]
    web, rest = client_for(tenant_a, user), api(tenant_a, user)
    if expected is None:
        assert web.get("/orders/").status_code == 403
        assert rest.get("/api/v1/orders/").status_code == 403
        return
    page = web.get("/orders/").content.decode()
    assert {k for k, o in orders.items() if o.number in page} == expected
    assert {row["number"] for row in rest.get("/api/v1/orders/").json()["results"]} == \
        {orders[k].number for k in expected}
    for key, o in orders.items():
        assert web.get(f"/orders/{o.pk}/").status_code == (200 if key in expected else 404), (role, key)


def test_cost_and_margin_only_with_the_right(org, tenant_a, client_for, make_user):

    customer = add(tenant_a, org.boss, "成本客户")
    p = product(tenant_a, org.boss, "成本产品", cost="7.00")
    o = order(tenant_a, org.boss, customer, [(p, "2", "10", "0")])
    for user, sees in ((org.boss, True), (org.sales1, False)):
        with in_tenant(tenant_a):
            from saas_core.products.access import may_see_cost

            assert may_see_cost(user) is sees
        web, rest = client_for(tenant_a, user), api(tenant_a, user)
        if user == org.sales1:  # a salesperson sees the order once it is theirs
            with in_tenant(tenant_a):
                Order.objects.filter(pk=o.pk).update(owner=org.sales1)
        page = web.get(f"/orders/{o.pk}/").content.decode()
        assert ("data-testid=\"order-margin\"" in page) is sees and ("6.00" in page) is sees
        data = rest.get(f"/api/v1/orders/{o.pk}/").json()
        assert ("gross_margin" in data and data["gross_margin"] == "6.00") is sees
        assert ("cost_price" in data["lines"][0]) is sees
        export = web.get("/imports/export/orders.xlsx")
        if export.status_code == 200:
            header = [c.value for c in next(load_workbook(io.BytesIO(_body(export))).active.iter_rows())]
            assert any("毛利" in str(h) or "margin" in str(h).lower() for h in header) is sees
