"""The shared staff shell: top bar, menus without dead links, workbench, public pages."""

import re

import pytest

from saas_core.accounts.models import Role, User
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def menu_links(html: str) -> list[str]:
    return re.findall(r'href="([^"#]+)" data-menu="', html)


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("mode", ["quick", "advanced"])
def test_every_menu_entry_opens_for_every_role(client_for, tenant_a, make_user, role, mode):
    user = make_user(tenant_a, role=role, menu_mode=mode)
    client = client_for(tenant_a, user)
    page = client.get("/workbench/")
    html = page.content.decode()
    assert page.status_code == 200
    assert tenant_a.name in html and str(user) in html  # top bar: company and user
    assert f'data-menu-mode="{mode}"' in html
    links = menu_links(html)
    assert "/workbench/" in links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_root_of_a_workspace_shows_the_workbench_or_asks_to_sign_in(client_for, tenant_a, boss_a):
    assert client_for(tenant_a).get("/")["Location"].startswith("/accounts/login/")
    assert client_for(tenant_a, boss_a).get("/").status_code == 200


def test_unknown_workspace_host_is_a_friendly_404(client):
    response = client.get("/", HTTP_HOST="nosuchcompany.localhost")
    assert response.status_code == 404
    assert "nosuchcompany.localhost" in response.content.decode()


def test_public_site_has_signup_and_no_workspace_pages(public_client):
    assert "/signup/" in public_client.get("/").content.decode()
    assert public_client.get("/workbench/").status_code == 404
    assert public_client.get("/api/v1/users/").status_code == 404


def test_vendor_staff_live_in_public_and_cannot_sign_in_to_a_workspace(client_for, tenant_a):
    User.objects.create_user(username="vendor-ops", password="Vendor-Pass-2026", is_staff=True)
    with in_tenant(tenant_a):
        assert not User.objects.filter(username="vendor-ops").exists()
    response = client_for(tenant_a).post("/accounts/login/", {"username": "vendor-ops", "password": "Vendor-Pass-2026"})
    assert response.status_code == 200 and "wrong" in response.content.decode()


def test_cookies_are_httponly_samesite_and_secure_over_https(client_for, tenant_a, make_user):
    make_user(tenant_a, username="li")
    client = client_for(tenant_a)
    plain = client.post("/accounts/login/", {"username": "li", "password": "Correct-Horse-77"})
    cookie = plain.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    secure = client_for(tenant_a).post(
        "/accounts/login/", {"username": "li", "password": "Correct-Horse-77"}, secure=True
    )
    assert secure.cookies["sessionid"]["secure"]
    login_page = client_for(tenant_a).get("/accounts/login/", secure=True)
    assert login_page.cookies["csrftoken"]["httponly"] and login_page.cookies["csrftoken"]["secure"]
