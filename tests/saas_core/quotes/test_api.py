"""The quote API: create with lines, defaults, 400 field maps for bad input (both languages), status, copy."""

from __future__ import annotations

import pytest

from tests.conftest import api, in_tenant
from tests.saas_core.quotes.conftest import add, product

pytestmark = pytest.mark.django_db


def test_create_read_update_status_copy(org, tenant_a):
    customer = add(tenant_a, org.sales1, "接口客户")
    a = product(tenant_a, org.boss, "接口产品", quote_price="12.50")
    rest = api(tenant_a, org.sales1)
    made = rest.post("/api/v1/quotes/", {"customer": customer.pk, "discount": "1.00", "lines": [
        {"product": a.pk, "quantity": "4"}, {"product": a.pk, "quantity": "1", "unit_price": "10", "discount_percent": "10"},
    ]}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert [ln["total"] for ln in body["lines"]] == ["50.00", "9.00"]
    assert body["subtotal"] == "59.00" and body["total"] == "58.00" and body["status"] == "draft"
    assert "cost_price" not in body["lines"][0]  # Sales has no "see cost price" right
    pk = body["id"]
    changed = rest.patch(f"/api/v1/quotes/{pk}/", {"discount": "9.00"}, format="json")
    assert changed.status_code == 200 and changed.json()["total"] == "50.00"
    assert rest.post(f"/api/v1/quotes/{pk}/status/", {"status": "accepted"}, format="json").status_code == 400
    assert rest.post(f"/api/v1/quotes/{pk}/status/", {"status": "sent"}, format="json").json()["status"] == "sent"
    copy = rest.post(f"/api/v1/quotes/{pk}/copy/")
    assert copy.status_code == 201 and copy.json()["status"] == "draft" and copy.json()["total"] == "50.00"


@pytest.mark.parametrize(("line", "key"), [
    ({"quantity": "0"}, "lines.0.quantity"),
    ({"quantity": "-1"}, "lines.0.quantity"),
    ({"quantity": "1", "discount_percent": "100.5"}, "lines.0.discount_percent"),
    ({"quantity": "1", "discount_percent": "-3"}, "lines.0.discount_percent"),
    ({"quantity": "1", "unit_price": "-0.01"}, "lines.0.unit_price"),
    ({"quantity": "1", "unit_price": "1.001"}, "lines.0.unit_price"),
    ({"quantity": "1.234"}, "lines.0.quantity"),
])
def test_bad_lines_are_400_with_a_field_map(org, tenant_a, line, key):
    customer = add(tenant_a, org.sales1, "客户")
    p = product(tenant_a, org.boss, "产品")
    response = api(tenant_a, org.sales1).post("/api/v1/quotes/", {"customer": customer.pk,
                                                                  "lines": [{"product": p.pk, **line}]}, format="json")
    assert response.status_code == 400
    assert key in response.json()["errors"], response.json()


def test_discontinued_product_and_chinese_messages(org, tenant_a):
    customer = add(tenant_a, org.sales1, "客户")
    gone = product(tenant_a, org.boss, "停产", discontinued=True)
    rest = api(tenant_a, org.sales1)
    response = rest.post("/api/v1/quotes/", {"customer": customer.pk, "lines": [{"product": gone.pk, "quantity": "1"}]},
                         format="json")
    assert response.status_code == 400 and "discontinued" in response.json()["errors"]["lines.0.product"][0]
    rest.credentials(HTTP_ACCEPT_LANGUAGE="zh-hans")
    with in_tenant(tenant_a):
        type(org.sales1).objects.filter(pk=org.sales1.pk).update(language="zh-hans")
    zh = rest.post("/api/v1/quotes/", {"customer": customer.pk}, format="json")
    assert zh.status_code == 400 and zh.json()["errors"]["lines"] == ["该字段是必填项。"]
