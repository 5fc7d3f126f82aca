"""Users get a department and a superior: forms, list, filter, API, no circles."""

import re

import pytest

from saas_core.accounts.models import User
from tests.conftest import api, in_tenant

pytestmark = pytest.mark.django_db


def edit_data(user, **changes):
    data = {"username": user.username, "name": user.name, "email": user.email, "mobile": "", "role": user.role,
            "department": user.department_id or "", "superior": user.superior_id or "", "language": "en",
            "time_zone": "", "is_active": "on"}
    data.update(changes)
    return data


def test_boss_creates_a_user_in_a_department_with_a_superior(client_for, tenant_a, org):
    boss = client_for(tenant_a, org.boss)
    form = boss.get("/accounts/users/new/").content.decode()
    assert "Shanghai" in form and 'name="superior"' in form
    response = boss.post("/accounts/users/new/", {
        "username": "newbie", "name": "New Bie", "email": "nb@example.com", "mobile": "", "role": "sales",
        "department": org.shanghai.pk, "superior": org.manager.pk, "language": "en", "time_zone": "",
        "password": "Sun-Rise-2031",
    })
    assert response.status_code == 302
    with in_tenant(tenant_a):
        newbie = User.objects.get(username="newbie")
    assert (newbie.department_id, newbie.superior_id) == (org.shanghai.pk, org.manager.pk)


def test_a_superior_circle_is_refused_on_the_form(client_for, tenant_a, org):
    boss = client_for(tenant_a, org.boss)
    # director > manager > sales1: the director may not report to sales1.
    response = boss.post(f"/accounts/users/{org.director.pk}/", edit_data(org.director, superior=org.sales1.pk))
    assert response.status_code == 200
    assert "circle" in response.context["form"].errors["superior"][0]
    # Nor to themselves (not even offered).
    superior_choices = boss.get(f"/accounts/users/{org.director.pk}/").context["form"].fields["superior"].queryset
    assert org.director not in superior_choices and org.sales1 in superior_choices
    with in_tenant(tenant_a):
        org.director.refresh_from_db()
    assert org.director.superior_id is None
    # A legal change goes through.
    assert boss.post(f"/accounts/users/{org.sales1.pk}/", edit_data(org.sales1, superior=org.director.pk,
                                                                      department=org.west.pk)).status_code == 302
    with in_tenant(tenant_a):
        org.sales1.refresh_from_db()
    assert (org.sales1.superior_id, org.sales1.department_id) == (org.director.pk, org.west.pk)


def test_user_list_shows_and_filters_by_department_with_sub_departments(client_for, tenant_a, org):
    boss = client_for(tenant_a, org.boss)
    listing = boss.get("/accounts/users/", {"department": org.east.pk}).content.decode()
    shown = set(re.findall(r'data-username="([^"]+)"', listing))
    assert shown == {"manager", "sales1", "sales2"}  # East and Shanghai
    assert "Shanghai" in listing and "Manager Qian" in listing  # department and superior columns
    everyone = set(re.findall(r'data-username="([^"]+)"', boss.get("/accounts/users/").content.decode()))
    assert {"cs", "maint", "hotline"} <= everyone


def test_users_api_reads_writes_and_filters_department_and_superior(tenant_a, org):
    client = api(tenant_a, org.boss)
    body = client.get(f"/api/v1/users/{org.sales2.pk}/").json()
    assert (body["department"], body["department_name"], body["superior"]) == (org.shanghai.pk, "Shanghai", org.manager.pk)
    names = {u["username"] for u in client.get("/api/v1/users/", {"department": org.sales.pk, "page_size": 50}).json()["results"]}
    assert names == {"director", "manager", "sales1", "sales2", "sales_w"}
    moved = client.patch(f"/api/v1/users/{org.sales2.pk}/", {"department": org.west.pk, "superior": None}, format="json")
    assert moved.status_code == 200 and moved.json()["department"] == org.west.pk and moved.json()["superior"] is None
    created = client.post("/api/v1/users/", {"username": "api1", "password": "Sun-Rise-2031", "department": org.hotline.pk,
                                              "superior": org.cs.pk}, format="json")
    assert created.status_code == 201 and created.json()["department"] == org.hotline.pk


@pytest.mark.parametrize("payload, field", [
    ({"department": 999999}, "department"),
    ({"superior": 999999}, "superior"),
    ({"superior": "x"}, "superior"),
])
def test_users_api_bad_department_or_superior_is_a_400(tenant_a, org, payload, field):
    response = api(tenant_a, org.boss).patch(f"/api/v1/users/{org.sales1.pk}/", payload, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_users_api_refuses_a_superior_circle(tenant_a, org):
    client = api(tenant_a, org.boss)
    circle = client.patch(f"/api/v1/users/{org.manager.pk}/", {"superior": org.sales2.pk}, format="json")
    assert circle.status_code == 400 and "circle" in circle.json()["errors"]["superior"][0]
    itself = client.patch(f"/api/v1/users/{org.manager.pk}/", {"superior": org.manager.pk}, format="json")
    assert itself.status_code == 400 and "own superior" in itself.json()["errors"]["superior"][0]
    bad_filter = client.get("/api/v1/users/", {"department": "sales"})
    assert bad_filter.status_code == 400 and "department" in bad_filter.json()["errors"]
