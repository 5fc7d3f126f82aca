"""The vendor console: its own staff sign in on the public host and switch modules per company."""

from __future__ import annotations

import pytest
from django.test import Client

from saas_core.accounts.models import Role
from tests.conftest import PASSWORD, in_tenant

pytestmark = pytest.mark.django_db


def test_the_console_asks_for_a_vendor_sign_in(public_client, staff):
    response = public_client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    signed_in = public_client.post("/console/login/", {"username": staff.username, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/console/"
    assert "Alpha Trading Ltd" in public_client.get("/console/").content.decode()


def test_a_public_user_who_is_not_staff_cannot_sign_in(public_client):
    from saas_core.accounts.models import User

    User.objects.create_user(username="someone@example.com", password=PASSWORD)
    response = public_client.post("/console/login/", {"username": "someone@example.com", "password": PASSWORD})
    assert response.status_code == 200
    assert "The user name or password is wrong." in response.content.decode()  # as for an unknown address
    assert public_client.get("/console/").status_code == 302


def test_a_company_boss_cannot_reach_the_console(client_for, tenant_a, boss_a):
    """The console lives on the public host only; a workspace host has no such page."""
    assert client_for(tenant_a, boss_a).get("/console/").status_code == 404
    # and a Boss's credentials mean nothing on the public host
    public = Client(HTTP_HOST="localhost")
    assert public.post("/console/login/", {"username": tenant_a.boss_username, "password": PASSWORD}).status_code == 200
    assert public.get("/console/").status_code == 302


def test_the_vendor_switches_a_module_on_and_off_for_one_company(
    console, tenant_a, tenant_b, client_for, make_user, django_capture_on_commit_callbacks,
):
    from billing.models import ModuleOverride
    from plugins import enablement
    from tenants.models import Tenant

    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    boss = make_user(tenant_a, role=Role.BOSS)
    workspace = client_for(tenant_a, boss)
    try:
        page = console.get(f"/console/tenants/{alpha.pk}/").content.decode()
        assert 'data-module="sms"' in page and 'data-action="switch-on"' in page
        with django_capture_on_commit_callbacks(execute=True):
            response = console.post(f"/console/tenants/{alpha.pk}/modules/sms/", {"state": "on"})
        assert response.status_code == 302
        assert ModuleOverride.objects.get(tenant=alpha, module_id="sms").enabled is True
        assert workspace.get("/sms/").status_code == 200
        assert client_for(tenant_b, make_user(tenant_b, role=Role.BOSS)).get("/sms/").status_code == 404
        assert 'data-action="switch-off"' in console.get(f"/console/tenants/{alpha.pk}/").content.decode()

        with django_capture_on_commit_callbacks(execute=True):
            console.post(f"/console/tenants/{alpha.pk}/modules/sms/", {"state": "off"})
        assert workspace.get("/sms/").status_code == 404

        with django_capture_on_commit_callbacks(execute=True):
            console.post(f"/console/tenants/{alpha.pk}/modules/sms/", {"state": "subscription"})
        assert not ModuleOverride.objects.filter(tenant=alpha).exists()
        bad = console.post(f"/console/tenants/{alpha.pk}/modules/nosuch/", {"state": "on"}, follow=True)
        assert "There is no module" in bad.content.decode()
    finally:
        enablement._cache.clear()


def test_create_vendor_staff_command(db):
    from django.core.management import call_command

    from saas_core.accounts.models import User

    call_command("create_vendor_staff", email="Ann@Vendor.example.com", password=PASSWORD, name="Ann")
    user = User.objects.get(username="ann@vendor.example.com")
    assert user.is_staff and user.check_password(PASSWORD)


def test_vendor_staff_exist_only_in_public(tenant_a, staff):
    from saas_core.accounts.models import User

    with in_tenant(tenant_a):
        assert not User.all_objects.filter(username=staff.username).exists()
