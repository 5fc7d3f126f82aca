"""403s with messages on pages and API, hidden menus, and tenant isolation of the organisation."""

import pytest

from saas_core.org import services
from saas_core.org.models import Department, RoleSetting
from tests.conftest import api, in_tenant

pytestmark = pytest.mark.django_db

ORG_PAGES = ["/org/departments/", "/org/departments/new/", "/org/roles/", "/org/roles/sales/"]


@pytest.mark.parametrize("role", ["sales", "customer_service", "warehouse_keeper", "purchaser", "system_maintainer"])
def test_roles_without_the_organisation_module_get_403_with_a_message_and_no_menu(client_for, tenant_a, make_user, role):
    client = client_for(tenant_a, make_user(tenant_a, role=role))
    for url in ORG_PAGES:
        response = client.get(url)
        assert response.status_code == 403, url
        text = response.content.decode()
        assert "may not" in text or "Only the Boss" in text
    workbench = client.get("/workbench/").content.decode()
    assert 'data-menu="departments"' not in workbench and 'data-menu="roles"' not in workbench
    listing = api(tenant_a, make_user(tenant_a, role=role)).get("/api/v1/departments/")
    assert listing.status_code == 403 and "may not view the organisation" in listing.json()["detail"]


def test_a_director_views_the_org_chart_but_may_not_change_it(client_for, tenant_a, org):
    web = client_for(tenant_a, org.director)
    page = web.get("/org/departments/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-action="edit"' not in html and 'data-testid="new-department"' not in html
    workbench = web.get("/workbench/").content.decode()
    assert 'data-menu="departments"' in workbench and 'data-menu="roles"' not in workbench
    for url, data in [("/org/departments/new/", {"name": "X"}), (f"/org/departments/{org.east.pk}/", {"name": "X"}),
                      (f"/org/departments/{org.east.pk}/move/", {"parent": ""}),
                      (f"/org/departments/{org.west.pk}/delete/", {})]:
        response = web.post(url, data)
        assert response.status_code == 403, url
        assert "Your role (Director) may not" in response.content.decode()
    client = api(tenant_a, org.director)
    assert client.get("/api/v1/departments/tree/").status_code == 200
    refused = client.patch(f"/api/v1/departments/{org.east.pk}/", {"name": "X"}, format="json")
    assert refused.status_code == 403 and refused.json() == {
        "detail": "Your role (Director) may not edit the organisation.", "errors": {}}
    assert client.delete(f"/api/v1/departments/{org.west.pk}/").status_code == 403
    with in_tenant(tenant_a):
        assert Department.objects.get(pk=org.east.pk).name == "East"


def test_the_boss_sees_both_menu_entries(client_for, tenant_a, boss_a):
    workbench = client_for(tenant_a, boss_a).get("/workbench/").content.decode()
    assert 'data-menu="departments"' in workbench and 'data-menu="roles"' in workbench


def test_anonymous_is_sent_to_sign_in_and_gets_401_from_the_api(client_for, tenant_a):
    assert client_for(tenant_a).get("/org/departments/").status_code == 302
    assert api(tenant_a).get("/api/v1/departments/").status_code == 401
    assert api(tenant_a).get("/api/v1/roles/").status_code == 401


def test_boss_of_a_cannot_read_or_change_departments_or_roles_of_b(client_for, tenant_a, tenant_b, boss_a):
    with in_tenant(tenant_b):
        theirs = services.create_department(name="Beta secret")
    web = client_for(tenant_a, boss_a)
    assert "Beta secret" not in web.get("/org/departments/").content.decode()
    for url in (f"/org/departments/{theirs.pk}/", f"/org/departments/{theirs.pk}/move/", f"/org/departments/{theirs.pk}/delete/"):
        assert web.get(url).status_code == 404
        assert web.post(url, {"name": "pwned", "parent": ""}).status_code in (404, 200)
    client = api(tenant_a, boss_a)
    assert client.get(f"/api/v1/departments/{theirs.pk}/").status_code == 404
    assert client.patch(f"/api/v1/departments/{theirs.pk}/", {"name": "pwned"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/departments/{theirs.pk}/").status_code == 404
    assert "Beta secret" not in str(client.get("/api/v1/departments/tree/").json())
    # Their department cannot be used as a parent, a user's department or a chosen department here.
    assert "parent" in client.post("/api/v1/departments/", {"name": "x", "parent": theirs.pk}, format="json").json()["errors"]
    assert client.patch("/api/v1/roles/sales/", {"data_scope": "chosen_departments", "chosen_departments": [theirs.pk]},
                        format="json").status_code == 400
    # Roles are per company: A's change does not touch B.
    client.patch("/api/v1/roles/sales/", {"data_scope": "all"}, format="json")
    web.post("/org/roles/manager/", {"data_scope": "all"})
    with in_tenant(tenant_b):
        assert Department.objects.get(pk=theirs.pk).name == "Beta secret"
        assert RoleSetting.objects.get(role="sales").data_scope == "self"
        assert RoleSetting.objects.get(role="manager").data_scope == "department"
    with in_tenant(tenant_a):
        assert RoleSetting.objects.get(role="sales").data_scope == "all"


def test_a_session_of_a_is_not_valid_on_b(client_for, tenant_a, tenant_b, boss_a):
    web = client_for(tenant_a, boss_a)
    web.defaults["HTTP_HOST"] = tenant_b.host
    assert web.get("/org/departments/").status_code == 302  # to B's sign-in
    assert web.get("/org/roles/").status_code == 302


def test_page_403_is_never_a_500_for_unknown_ids(client_for, tenant_a, boss_a):
    web = client_for(tenant_a, boss_a)
    assert web.get("/org/departments/999999/").status_code == 404
    assert web.get("/org/roles/emperor/").status_code == 404
    assert web.get("/org/users/999999/transfer/").status_code == 404
    assert web.get("/org/departments/new/?parent=abc").status_code == 200
