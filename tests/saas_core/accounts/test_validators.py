"""Common passwords are refused behind leetspeak and added digits or symbols (ASVS 6.2.4), on
every path that sets a password."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from saas_core.demo import DEMO_PASSWORD
from tenants.models import Tenant
from tests.conftest import PASSWORD, api
from tests.tenants.test_signup import signup_data

WEAK = ["Passw0rd!", "P@ssword2024", "Qwerty123!", "L3tm31n!!", "Admin@123", "woaini1314!", "Dr4gon2026", "!!Monkey99"]
FINE = [PASSWORD, DEMO_PASSWORD, "Sun-Rise-2031", "Go-47281935!", "Vendor-Console-2026!", "Night-Sky-5150"]
TOO_COMMON = "This password is too common"


@pytest.mark.parametrize("password", WEAK)
def test_common_passwords_in_disguise_are_refused(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(TOO_COMMON in m for m in refused.value.messages)


@pytest.mark.parametrize("password", FINE)
def test_the_demo_and_test_passwords_pass(password):
    validate_password(password)


@pytest.mark.django_db
def test_signup_refuses_passw0rd(public_client):
    before = Tenant.objects.count()
    response = public_client.post("/signup/", signup_data(password="Passw0rd!"))
    assert response.status_code == 200
    assert TOO_COMMON in response.context["form"].errors["password"][0]
    assert Tenant.objects.count() == before


@pytest.mark.django_db
def test_admin_create_and_reset_refuse_it(tenant_a, boss_a, make_user, client_for):
    boss = api(tenant_a, boss_a)
    created = boss.post("/api/v1/users/", {"username": "weak", "name": "W", "password": "Passw0rd!"}, format="json")
    assert created.status_code == 400 and TOO_COMMON in created.json()["errors"]["password"][0]
    user = make_user(tenant_a, username="li")
    reset = boss.post(f"/api/v1/users/{user.pk}/set_password/", {"password": "P@ssword2024"}, format="json")
    assert reset.status_code == 400 and TOO_COMMON in reset.json()["errors"]["password"][0]
    page = client_for(tenant_a, boss_a).post(f"/accounts/users/{user.pk}/password/", {"password": "Qwerty123!"})
    assert TOO_COMMON in page.content.decode()


@pytest.mark.django_db
def test_own_change_and_email_reset_refuse_it(tenant_a, make_user, client_for, mailbox):
    user = make_user(tenant_a, username="li", email="li@alpha.example.com")
    own = client_for(tenant_a, user).post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "Passw0rd!", "new_password2": "Passw0rd!"})
    assert own.status_code == 200 and TOO_COMMON in own.content.decode()
    client = client_for(tenant_a)
    client.post("/accounts/password-reset/", {"email": "li@alpha.example.com"})
    link = re.search(r"https?://\S+?(/accounts/password-reset/\S+/\S+/)", mailbox[0].get_content()).group(1)
    form = client.get(link, follow=True)
    reset = client.post(form.redirect_chain[-1][0], {"new_password1": "L3tm31n!!", "new_password2": "L3tm31n!!"})
    assert reset.status_code == 200 and TOO_COMMON in reset.content.decode()
