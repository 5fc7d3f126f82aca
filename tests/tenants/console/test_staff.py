"""The vendor's staff are managed in the console: add a colleague, deactivate and reactivate."""

from __future__ import annotations

import pytest
from django.test import Client

from saas_core.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STRONG = "Vendor-Ops-2026!"


def test_a_staff_member_adds_a_colleague_who_can_sign_in(console, staff):
    page = console.get("/console/staff/").content.decode()
    assert "ops@vendor.example.com" in page and 'data-testid="staff-form"' in page
    added = console.post("/console/staff/", {"email": " Bo@Vendor.example.com ", "name": "Bo", "password": STRONG})
    assert added.status_code == 302
    assert "bo@vendor.example.com can sign in to the console now." in console.get("/console/staff/").content.decode()
    colleague = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    signed_in = colleague.post("/console/login/", {"username": "bo@vendor.example.com", "password": STRONG})
    assert signed_in.status_code == 302 and colleague.get("/console/").status_code == 200


def test_bad_input_names_the_problem_and_adds_nobody(console, staff):
    weak = console.post("/console/staff/", {"email": "cy@vendor.example.com", "password": "123"})
    assert weak.status_code == 400 and "too short" in weak.content.decode()
    again = console.post("/console/staff/", {"email": "OPS@vendor.example.com", "password": STRONG})
    assert again.status_code == 400 and "is a staff member already" in again.content.decode()
    bad = console.post("/console/staff/", {"email": "not-an-address", "password": STRONG})
    assert bad.status_code == 400 and "valid email" in bad.content.decode()
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == [staff.username]


def test_deactivated_staff_are_signed_out_and_cannot_sign_in(console, staff):
    from tenants.console.staff import create_vendor_staff

    other, _ = create_vendor_staff(email="di@vendor.example.com", password=STRONG, name="Di")
    theirs = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    theirs.force_login(other)
    assert theirs.get("/console/").status_code == 200
    assert console.post(f"/console/staff/{other.pk}/active/", {"active": "0"}).status_code == 302
    assert theirs.get("/console/").status_code == 302  # their session ended
    assert theirs.post("/console/login/", {"username": other.username, "password": STRONG}).status_code == 200
    console.post(f"/console/staff/{other.pk}/active/", {"active": "1"})
    assert theirs.post("/console/login/", {"username": other.username, "password": STRONG}).status_code == 302


def test_nobody_deactivates_themselves(console, staff):
    response = console.post(f"/console/staff/{staff.pk}/active/", {"active": "0"}, follow=True)
    assert "You cannot deactivate yourself" in response.content.decode()
    staff.refresh_from_db()
    assert staff.is_active


def test_only_staff_reach_the_staff_page(public_client, client_for, tenant_a, boss_a, staff):
    assert public_client.get("/console/staff/")["Location"].startswith("/console/login/")
    assert public_client.post(f"/console/staff/{staff.pk}/active/", {"active": "0"}).status_code == 302
    assert client_for(tenant_a, boss_a).get("/console/staff/").status_code == 404
    plain = User.objects.create_user(username="plain@example.com", password=PASSWORD)
    public_client.force_login(plain)
    assert public_client.post(f"/console/staff/{staff.pk}/active/", {"active": "0"}).status_code == 302
    staff.refresh_from_db()
    assert staff.is_active


def test_common_passwords_in_disguise_are_refused_for_staff_and_by_the_command(console):
    from django.core.management import CommandError, call_command

    added = console.post("/console/staff/", {"email": "cy@vendor.example.com", "password": "Passw0rd!"})
    assert added.status_code == 400 and "This password is too common" in added.content.decode()
    with pytest.raises(CommandError, match="This password is too common"):
        call_command("create_vendor_staff", email="cy@vendor.example.com", password="Admin@123")
