"""The product picker (web.pickers.ProductPickerField and products:pick): pinyin, code and barcode
search among products on sale; discontinued ones are neither offered nor accepted; prices but
never the cost price; another company's products are never found."""

from __future__ import annotations

import pytest
from django import forms

from saas_core.products import services
from saas_core.products.models import Product
from tests.conftest import in_tenant
from tests.saas_core.products.conftest import add
from web.pickers import ProductPickerField

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(tenant_a, boss_a):
    paper = add(tenant_a, boss_a, "复印纸", code="P-100", spec="A4 70g", unit="箱", barcode="6901234567890",
                prices={"quote": "120", "deal": "110"}, cost_price="88.88")
    old = add(tenant_a, boss_a, "复印机", code="P-200", cost_price="5000")
    with in_tenant(tenant_a):
        services.set_discontinued(Product.objects.filter(pk=old.pk), by=boss_a, discontinued=True)
    return paper, old


def names(response) -> list[str]:
    return [r["label"] for r in response.json()["results"]]


@pytest.mark.parametrize("query", ["fyz", "fuyin", "复印", "p-1", "6901234567890"])
def test_found_by_pinyin_initials_code_and_barcode(client_for, tenant_a, org, catalogue, query):
    response = client_for(tenant_a, org.sales1).get("/products/pick/", {"q": query})
    assert response.status_code == 200 and names(response) == ["复印纸 (P-100)"]


def test_a_match_carries_unit_and_prices_but_never_the_cost(client_for, tenant_a, boss_a, catalogue):
    result = client_for(tenant_a, boss_a).get("/products/pick/", {"q": "复印纸"}).json()["results"][0]
    assert result["unit"] == "箱" and result["note"] == "A4 70g · 箱"
    assert result["prices"] == {"quote": "120.00", "deal": "110.00"}
    assert "88.88" not in str(result) and "cost" not in str(result)


def test_another_company_never_sees_them(client_for, tenant_b, make_user, catalogue):
    boss_b = make_user(tenant_b, username="bossb2", role="boss")
    assert names(client_for(tenant_b, boss_b).get("/products/pick/", {"q": "fyz"})) == []


def test_signed_out_and_without_the_module(client_for, tenant_a, org, catalogue):
    assert client_for(tenant_a).get("/products/pick/", {"q": "fyz"}).status_code == 401
    assert client_for(tenant_a, org.maintainer).get("/products/pick/", {"q": "fyz"}).status_code == 403


def test_the_field_refuses_a_discontinued_product(tenant_a, catalogue):
    paper, old = catalogue

    class LineForm(forms.Form):
        product = ProductPickerField()

    with in_tenant(tenant_a):
        assert LineForm({"product": paper.pk}).is_valid()
        form = LineForm({"product": old.pk})
        assert not form.is_valid() and "discontinued" in form.errors["product"][0]
        html = str(LineForm(initial={"product": paper.pk})["product"])
    assert 'data-picker="product"' in html and 'data-url="/products/pick/"' in html
    assert "复印纸 (P-100)" in html and "复印机" not in html
