"""The product API: create/update with 400 field maps (negative price, too many decimals, taken
code), the cost price only for roles with the right, categories and strategies, tenant isolation."""

from __future__ import annotations

import pytest

from saas_core.products import services
from saas_core.products.models import Category, Product
from tests.conftest import api, in_tenant
from tests.saas_core.products.conftest import add

pytestmark = pytest.mark.django_db


def test_create_read_update_and_delete(tenant_a, org):
    client = api(tenant_a, org.director)
    created = client.post("/api/v1/products/", {"name": "扫描仪", "unit": "台", "prices": {"quote": "899", "vip": "850.5"},
                                                "cost_price": "600"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["prices"] == {"quote": "899.00", "vip": "850.50"} and body["cost_price"] == "600.00"
    pk = body["id"]
    changed = client.patch(f"/api/v1/products/{pk}/", {"prices": {"vip": None, "deal": "870"}, "spec": "A3"}, format="json")
    assert changed.status_code == 200 and changed.json()["prices"] == {"quote": "899.00", "deal": "870.00"}
    listed = client.get("/api/v1/products/", {"search": "smy"}).json()
    assert [p["name"] for p in listed["results"]] == ["扫描仪"]
    history = client.get(f"/api/v1/products/{pk}/price-history/").json()
    assert {(h["strategy"], h["old_price"], h["new_price"]) for h in history} >= {("vip", "850.50", None), (None, None, "600.00")}
    assert client.delete(f"/api/v1/products/{pk}/").status_code == 204
    assert client.get(f"/api/v1/products/{pk}/").status_code == 404

def test_bad_input_is_a_400_with_a_field_map_and_nothing_is_written(tenant_a, org):
    add(tenant_a, org.boss, "Taken", code="T-1")
    response = api(tenant_a, org.boss).post("/api/v1/products/", {
        "code": "T-1", "name": "", "prices": {"quote": "-1", "deal": "1.005"}, "cost_price": "-3",
    }, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["prices"] == {"quote": ["A price cannot be negative."], "deal": ["At most 2 decimal places are allowed."]}
    assert "already in use" in errors["code"][0] and errors["name"] and errors["cost_price"] == ["A price cannot be negative."]
    with in_tenant(tenant_a):
        assert Product.objects.count() == 1


def test_the_cost_price_is_not_in_any_answer_for_a_role_without_the_right(tenant_a, org):
    product = add(tenant_a, org.boss, "Secret", cost_price="4321.99", prices={"quote": "5000"})
    client = api(tenant_a, org.sales1)
    one = client.get(f"/api/v1/products/{product.pk}/").json()
    many = client.get("/api/v1/products/").json()
    history = client.get(f"/api/v1/products/{product.pk}/price-history/").json()
    by_cost = client.get("/api/v1/products/", {"ordering": "cost"}).json()
    for answer in (one, many, history, by_cost):
        assert "4321.99" not in str(answer) and "cost_price" not in str(answer)
    assert one["prices"] == {"quote": "5000.00"} and [h["strategy"] for h in history] == ["quote"]
    schema_user = api(tenant_a, org.boss).get(f"/api/v1/products/{product.pk}/").json()
    assert schema_user["cost_price"] == "4321.99"


def test_sales_may_read_but_not_write(tenant_a, org):
    client = api(tenant_a, org.sales1)
    assert client.get("/api/v1/products/").status_code == 200
    assert client.post("/api/v1/products/", {"name": "x"}, format="json").status_code == 403
    assert client.post("/api/v1/product-categories/", {"name": "x"}, format="json").status_code == 403
    assert api(tenant_a, org.maintainer).get("/api/v1/products/").status_code == 403


def test_categories_tree_and_move(tenant_a, org):
    client = api(tenant_a, org.director)
    office = client.post("/api/v1/product-categories/", {"name": "Office"}, format="json").json()
    paper = client.post("/api/v1/product-categories/", {"name": "Paper", "parent": office["id"]}, format="json").json()
    tech = client.post("/api/v1/product-categories/", {"name": "Tech"}, format="json").json()
    assert [c["name"] for c in client.get("/api/v1/product-categories/").json()] == ["Office", "Paper", "Tech"]
    moved = client.post(f"/api/v1/product-categories/{tech['id']}/move/", {"parent": None, "position": 0}, format="json")
    assert moved.status_code == 200
    assert [c["name"] for c in client.get("/api/v1/product-categories/").json()] == ["Tech", "Office", "Paper"]
    loop = client.post(f"/api/v1/product-categories/{office['id']}/move/", {"parent": paper["id"], "position": 0}, format="json")
    assert loop.status_code == 400 and "parent" in loop.json()["errors"]
    dup = client.post("/api/v1/product-categories/", {"name": "Tech"}, format="json")
    assert dup.status_code == 400 and dup.json()["errors"]["name"]


def test_strategies_are_the_boss_s(tenant_a, org):
    boss = api(tenant_a, org.boss)
    keys = [s["key"] for s in boss.get("/api/v1/price-strategies/").json()]
    assert keys == ["quote", "deal", "vip", "wholesale"]
    added = boss.post("/api/v1/price-strategies/", {"name": "Dealer"}, format="json")
    assert added.status_code == 201 and added.json()["builtin"] is False
    assert api(tenant_a, org.director).post("/api/v1/price-strategies/", {"name": "X"}, format="json").status_code == 403
    with in_tenant(tenant_a):
        from saas_core.products.models import PriceStrategy

        vip = PriceStrategy.objects.get(key="vip")
    assert boss.delete(f"/api/v1/price-strategies/{vip.pk}/").status_code == 403
    assert boss.delete(f"/api/v1/price-strategies/{added.json()['id']}/").status_code == 204


def test_another_company_s_ids_answer_404(tenant_a, tenant_b, org, make_user):
    product = add(tenant_a, org.boss, "Alpha only")
    with in_tenant(tenant_a):
        category = services.create_category(by=org.boss, name="Alpha")
    boss_b = make_user(tenant_b, username="boss_b_api", role="boss")
    client = api(tenant_b, boss_b)
    assert client.get(f"/api/v1/products/{product.pk}/").status_code == 404
    assert client.patch(f"/api/v1/products/{product.pk}/", {"name": "x"}, format="json").status_code == 404
    assert client.get(f"/api/v1/products/{product.pk}/price-history/").status_code == 404
    assert client.delete(f"/api/v1/products/{product.pk}/").status_code == 404
    assert client.post(f"/api/v1/product-categories/{category.pk}/move/", {"parent": None, "position": 0},
                       format="json").status_code == 404
    assert client.get("/api/v1/products/", {"search": "Alpha"}).json()["results"] == []
    with in_tenant(tenant_a):
        assert Category.objects.filter(pk=category.pk).exists()
