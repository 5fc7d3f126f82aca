"""Customers' province, city and district (issue 14): standard names from the form, the API and
the service; clear errors naming the field; places typed before the picker are kept until changed;
the picker on the customer form; the existing customers normalised by a data migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from saas_core.customers import services
from saas_core.customers.models import Customer
from tests.conftest import api, in_tenant
from tests.saas_core.customers.conftest import add

pytestmark = pytest.mark.django_db


def test_service_stores_standard_names(tenant_a, boss_a):
    customer = add(tenant_a, boss_a, "南京远景科技", province="江苏", city="南京", district="玄武")
    assert (customer.province, customer.city, customer.district) == ("江苏省", "南京市", "玄武区")
    again = add(tenant_a, boss_a, "苏州远景科技", city="苏州")
    assert (again.province, again.city) == ("江苏省", "苏州市")  # the province found from the city


def test_service_refuses_a_city_outside_its_province_and_saves_nothing(tenant_a, boss_a):
    with in_tenant(tenant_a), pytest.raises(ValidationError) as caught:
        services.create_customer(by=boss_a, name="杭州远景", province="江苏省", city="杭州市", confirm_duplicates=True)
    assert caught.value.message_dict == {"city": ["“杭州市” is not a city of 江苏省."]}
    with in_tenant(tenant_a):
        assert not Customer.objects.filter(name="杭州远景").exists()


def test_a_place_typed_before_the_picker_is_kept_until_changed(tenant_a, boss_a):
    customer = add(tenant_a, boss_a, "Pacific Rim Trading")
    with in_tenant(tenant_a):
        Customer.objects.filter(pk=customer.pk).update(province="California", city="San Jose")
        customer.refresh_from_db()
        services.update_customer(customer, by=boss_a, address="1 Main St")  # the place as it was: kept
        customer.refresh_from_db()
        assert (customer.province, customer.city, customer.address) == ("California", "San Jose", "1 Main St")
        with pytest.raises(ValidationError) as caught:
            services.update_customer(customer, by=boss_a, city="Los Angeles")
        assert caught.value.message_dict == {"province": [
            "“California” is not a province of China; choose one from the list."]}
        services.update_customer(customer, by=boss_a, province="上海", city="", district="浦东")
        customer.refresh_from_db()
        assert (customer.province, customer.city, customer.district) == ("上海市", "上海市", "浦东新区")


# --- API ----------------------------------------------------------------------------------------


def test_api_normalises_and_answers_400_naming_the_field(tenant_a, boss_a):
    client = api(tenant_a, boss_a)
    created = client.post("/api/v1/customers/", {
        "name": "西安秦川机械", "province": "Shaanxi", "city": "西安", "district": "雁塔区",
    }, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["province"], created.json()["city"], created.json()["district"]) == (
        "陕西省", "西安市", "雁塔区")
    bad = client.post("/api/v1/customers/", {"name": "错城", "province": "陕西", "city": "南京"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"city": ["“南京” is not a city of 陕西省."]}
    wrong_district = client.patch(f"/api/v1/customers/{created.json()['id']}/", {"district": "玄武区"}, format="json")
    assert wrong_district.status_code == 400 and wrong_district.json()["errors"]["district"] == [
        "“玄武区” is not a district of 西安市."]
    found = client.get("/api/v1/customers/", {"province": "陕西"}).json()
    assert [c["name"] for c in found["results"]] == ["西安秦川机械"]


def test_api_filter_by_province_sees_only_its_own_company(tenant_a, tenant_b, boss_a, make_user):
    add(tenant_a, boss_a, "A 公司南京分部", province="江苏", city="南京")
    boss_b = make_user(tenant_b, role="boss", username="boss_b_regions")
    add(tenant_b, boss_b, "B 公司南京分部", province="江苏", city="南京")
    names = [c["name"] for c in api(tenant_a, boss_a).get("/api/v1/customers/", {"province": "江苏省"}).json()["results"]]
    assert names == ["A 公司南京分部"]


# --- the form and its picker --------------------------------------------------------------------


def test_form_offers_the_picker_and_saves_standard_names(client_for, tenant_a, boss_a):
    client = client_for(tenant_a, boss_a)
    page = client.get("/customers/new/").content.decode()
    assert 'data-region="province"' in page and 'data-regions-url="/regions.json"' in page
    assert 'data-region="city"' in page and 'data-region="district"' in page
    assert '<option value="江苏省" data-words="江苏省 jiangsusheng jss Jiangsu">江苏省</option>' in page
    assert "vendor/tom-select.complete.min.js" in page and "web/select.js" in page
    saved = client.post("/customers/new/", {"kind": "enterprise", "status": "prospect", "name": "无锡太湖电子",
                                            "province": "江苏省", "city": "无锡市", "district": "滨湖区"})
    assert saved.status_code == 302
    with in_tenant(tenant_a):
        customer = Customer.objects.get(name="无锡太湖电子")
    assert (customer.province, customer.city, customer.district) == ("江苏省", "无锡市", "滨湖区")
    edit = client.get(f"/customers/{customer.pk}/edit/").content.decode()
    # The chosen province's cities and the chosen city's districts are offered at once.
    assert '<option value="无锡市" selected data-words="无锡市 wuxishi' in edit
    assert "滨湖区</option>" in edit and "玄武区</option>" not in edit


def test_form_shows_the_error_next_to_the_city(client_for, tenant_a, boss_a):
    client = client_for(tenant_a, boss_a)
    page = client.post("/customers/new/", {"kind": "enterprise", "status": "prospect", "name": "错城公司",
                                           "province": "江苏省", "city": "杭州市"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-error-for="city">“杭州市” is not a city of 江苏省.</div>' in html


def test_form_in_chinese(client_for, tenant_a, boss_a):
    with in_tenant(tenant_a):
        boss_a.language = "zh-hans"
        boss_a.save(update_fields=["language"])
    client = client_for(tenant_a, boss_a, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = client.get("/customers/new/").content.decode()
    assert ">区县</label>" in html and '<option value="" selected>请选择</option>' in html


def test_legacy_text_stays_choosable_on_the_form(client_for, tenant_a, boss_a):
    customer = add(tenant_a, boss_a, "Pacific Rim Trading")
    with in_tenant(tenant_a):
        Customer.objects.filter(pk=customer.pk).update(province="California")
    html = client_for(tenant_a, boss_a).get(f"/customers/{customer.pk}/edit/").content.decode()
    assert '<option value="California" selected data-words="California">California</option>' in html


def test_picker_data_needs_a_sign_in(client_for, tenant_a, boss_a):
    assert client_for(tenant_a).get("/regions.json").status_code == 302
    data = client_for(tenant_a, boss_a).get("/regions.json").json()
    jiangsu = next(p for p in data if p[0] == "江苏省")
    assert "jiangsu" in jiangsu[1] and jiangsu[2][0][0] == "南京市"


# --- the data migration -------------------------------------------------------------------------


def test_migration_normalises_existing_customers_and_leaves_unknown_text(tenant_a, boss_a):
    migration = importlib.import_module("saas_core.customers.migrations.0009_normalise_regions")
    rows = {
        "甲": ("江苏", "南京", ""), "乙": ("江苏省", "南京市", ""), "丙": ("北京", "海淀", ""),
        "丁": ("California", "San Jose", ""), "戊": ("浙江", "火星市", ""), "己": ("", "", ""),
    }
    with in_tenant(tenant_a):
        for name, (province, city, district) in rows.items():
            customer = services.create_customer(by=boss_a, name=name, confirm_duplicates=True)
            Customer.objects.filter(pk=customer.pk).update(province=province, city=city, district=district)
        migration.normalise(apps, None)
        found = {c.name: (c.province, c.city, c.district) for c in Customer.objects.filter(name__in=rows)}
    assert found == {
        "甲": ("江苏省", "南京市", ""), "乙": ("江苏省", "南京市", ""), "丙": ("北京市", "北京市", "海淀区"),
        "丁": ("California", "San Jose", ""),  # not a place of China: left as it was
        "戊": ("浙江省", "火星市", ""),  # the province is known, the city is not: kept as typed
        "己": ("", "", ""),
    }


def test_list_filter_picks_a_province_and_finds_short_names_stored_before(client_for, tenant_a, boss_a):
    add(tenant_a, boss_a, "南京远景科技", province="江苏", city="南京")
    legacy = add(tenant_a, boss_a, "旧数据公司")
    with in_tenant(tenant_a):
        Customer.objects.filter(pk=legacy.pk).update(province="Jiangsu Old")
    client = client_for(tenant_a, boss_a)
    page = client.get("/customers/", {"province": "江苏省"}).content.decode()
    assert 'data-region="province"' in page and 'value="江苏省" selected' in page
    assert "南京远景科技" in page and "旧数据公司" not in page
    assert "南京远景科技" in client.get("/customers/", {"province": "江苏", "city": "南京"}).content.decode()
    kept = client.get("/customers/", {"province": "Jiangsu Old"}).content.decode()
    assert 'value="Jiangsu Old" selected' in kept and "旧数据公司" in kept
