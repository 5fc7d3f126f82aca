"""The Boss's system settings (SYS-01): price and quantity precision on a page and in the API,
refused to everyone else, bad values as field errors, and the precision used from then on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saas_core import money
from saas_core.system.models import SystemSettings
from tests.conftest import api, in_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_boss_changes_the_precision_on_the_page(client_for, tenant_a, boss_a):
    client = client_for(tenant_a, boss_a)
    page = client.get("/system/settings/").content.decode()
    assert 'name="price_places"' in page and 'value="2"' in page
    assert 'href="/system/settings/"' in client.get("/").content.decode()
    assert client.post("/system/settings/", {"price_places": "4", "quantity_places": "0"}).status_code == 302
    with in_tenant(tenant_a):
        assert money.places() == money.Places(4, 0)
        assert money.round_price("1.23456") == Decimal("1.2346")


def test_bad_values_are_field_errors(client_for, tenant_a, boss_a):
    response = client_for(tenant_a, boss_a).post("/system/settings/", {"price_places": "7", "quantity_places": "-1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-for="price_places"' in html and 'data-error-for="quantity_places"' in html
    with in_tenant(tenant_a):
        assert money.places() == money.Places(2, 2)


def test_only_the_boss(client_for, tenant_a, make_user):
    director = make_user(tenant_a, role="director")
    client = client_for(tenant_a, director)
    assert client.get("/system/settings/").status_code == 403
    assert 'href="/system/settings/"' not in client.get("/").content.decode()
    assert api(tenant_a, director).patch("/api/v1/system-settings/", {"price_places": 3}, format="json").status_code == 403
    assert api(tenant_a, director).get("/api/v1/system-settings/").json() == {"price_places": 2, "quantity_places": 2}


def test_api_reads_and_changes_with_a_field_map_for_bad_values(tenant_a, boss_a):
    client = api(tenant_a, boss_a)
    assert client.patch("/api/v1/system-settings/", {"quantity_places": 3}, format="json").json() == {
        "price_places": 2, "quantity_places": 3}
    bad = client.patch("/api/v1/system-settings/", {"price_places": 9}, format="json")
    assert bad.status_code == 400 and "price_places" in bad.json()["errors"]
    assert api(tenant_a).get("/api/v1/system-settings/").status_code == 401


def test_each_company_has_its_own(tenant_a, tenant_b, boss_a):
    api(tenant_a, boss_a).patch("/api/v1/system-settings/", {"price_places": 0}, format="json")
    with in_tenant(tenant_b):
        assert money.places().price == 2 and not SystemSettings.objects.filter(price_places=0).exists()
