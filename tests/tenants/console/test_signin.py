"""The vendor console's sign-in has the workspaces' protection: one lock for its page and its
API, per client address; a reset or a deactivation revokes a staff member's tokens."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER, HOME = "203.0.113.66", "198.51.100.7"


def page(username, password, address=ATTACKER):
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    return client.post("/console/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def token(username, password, address=ATTACKER):
    client = APIClient(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    return client.post("/api/v1/console/auth/token/", {"username": username, "password": password}, format="json",
                       REMOTE_ADDR=address)


def test_locked_on_the_api_means_locked_on_the_page(staff):
    answers = [token(staff.username, "guess").status_code for _ in range(5)]
    assert answers == [400] * 4 + [429]
    refused = page(staff.username, PASSWORD)
    assert refused.status_code == 429 and "locked until" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    # From the staff member's own address the console still opens.
    assert page(staff.username, PASSWORD, HOME).status_code == 302


def test_locked_on_the_page_means_locked_on_the_api(staff):
    answers = [page(staff.username, "guess").status_code for _ in range(5)]
    assert answers == [200] * 4 + [429]
    refused = token(staff.username, PASSWORD)
    assert refused.status_code == 429 and "locked until" in refused.json()["detail"]
    assert token(staff.username, PASSWORD, HOME).status_code == 200


def test_a_company_user_and_an_unknown_address_get_the_same_answer(staff, tenant_a):
    """The public schema's non-staff rows and unknown addresses both read as unknown."""
    from saas_core.accounts.models import User

    User.objects.create_user(username="someone@example.com", email="someone@example.com", password=PASSWORD)
    known = token("someone@example.com", PASSWORD)
    unknown = token("nobody@example.com", PASSWORD)
    assert known.status_code == unknown.status_code == 400 and known.json() == unknown.json()


def test_deactivating_staff_revokes_their_token(console, staff):
    from tenants.console.staff import create_vendor_staff

    other, _ = create_vendor_staff(email="di@vendor.example.com", password="Vendor-Ops-2026!", name="Di")
    key = token(other.username, "Vendor-Ops-2026!", HOME).json()["token"]
    api = APIClient(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION="Token " + key)
    assert api.get("/api/v1/console/tenants/").status_code == 200
    console.post(f"/console/staff/{other.pk}/active/", {"active": "0"})
    console.post(f"/console/staff/{other.pk}/active/", {"active": "1"})
    assert api.get("/api/v1/console/tenants/").status_code == 401


def test_resetting_a_lost_password_with_the_command_signs_the_member_out(staff):
    key = token(staff.username, PASSWORD, HOME).json()["token"]
    api = APIClient(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION="Token " + key)
    browser = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    browser.post("/console/login/", {"username": staff.username, "password": PASSWORD}, REMOTE_ADDR=HOME)
    assert api.get("/api/v1/console/tenants/").status_code == 200 and browser.get("/console/").status_code == 200
    call_command("create_vendor_staff", email=staff.email, password="Vendor-Reset-2026!")
    assert api.get("/api/v1/console/tenants/").status_code == 401
    assert browser.get("/console/").status_code == 302
