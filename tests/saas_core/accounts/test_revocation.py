"""A password reset or change, disabling a user and a new role end the user's sessions and
API tokens at once (accounts.services.revoke_sign_ins); a self-service change keeps the
current session."""

import re

import pytest
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, api

pytestmark = pytest.mark.django_db

NEW = "Night-Sky-5150"


def signed_in_everywhere(info, client_for, user):
    """The user's API token client and a browser session on another device."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST=info.host)
    answer = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    client.credentials(HTTP_AUTHORIZATION="Token " + answer.json()["token"])
    device = client_for(info)
    assert device.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert client.get("/api/v1/me/").status_code == 200 and device.get("/workbench/").status_code == 200
    return client, device


def assert_signed_out(token_client, device):
    assert token_client.get("/api/v1/me/").status_code == 401
    page = device.get("/workbench/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_admin_reset_through_the_api_revokes_tokens_and_sessions(tenant_a, boss_a, make_user, client_for):
    user = make_user(tenant_a, username="li")
    token_client, device = signed_in_everywhere(tenant_a, client_for, user)
    assert api(tenant_a, boss_a).post(f"/api/v1/users/{user.pk}/set_password/", {"password": NEW}).status_code == 204
    assert_signed_out(token_client, device)


def test_admin_reset_on_the_page_revokes_tokens_and_sessions(tenant_a, boss_a, make_user, client_for):
    user = make_user(tenant_a, username="li")
    token_client, device = signed_in_everywhere(tenant_a, client_for, user)
    client_for(tenant_a, boss_a).post(f"/accounts/users/{user.pk}/password/", {"password": NEW})
    assert_signed_out(token_client, device)


def test_reset_by_email_revokes_tokens_and_sessions(tenant_a, make_user, client_for, mailbox):
    user = make_user(tenant_a, username="li", email="li@alpha.example.com")
    token_client, device = signed_in_everywhere(tenant_a, client_for, user)
    client = client_for(tenant_a)
    client.post("/accounts/password-reset/", {"email": "li@alpha.example.com"})
    link = re.search(r"https?://\S+?(/accounts/password-reset/\S+/\S+/)", mailbox[0].get_content()).group(1)
    form = client.get(link, follow=True)
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert_signed_out(token_client, device)


def test_own_password_change_signs_out_other_devices_and_keeps_this_one(tenant_a, make_user, client_for):
    user = make_user(tenant_a, username="li")
    token_client, device = signed_in_everywhere(tenant_a, client_for, user)
    here = client_for(tenant_a)
    here.post("/accounts/login/", {"username": "li", "password": PASSWORD})
    changed = here.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert changed.status_code == 302
    assert here.get("/workbench/").status_code == 200
    assert_signed_out(token_client, device)


@pytest.mark.parametrize("change", [{"is_active": False}, {"role": "manager"}])
def test_disabling_or_a_new_role_revokes_tokens_and_sessions(tenant_a, boss_a, make_user, client_for, change):
    user = make_user(tenant_a, username="li", role="sales")
    token_client, device = signed_in_everywhere(tenant_a, client_for, user)
    assert api(tenant_a, boss_a).patch(f"/api/v1/users/{user.pk}/", change, format="json").status_code == 200
    assert_signed_out(token_client, device)
    # Enabled again, the old token stays dead: it was revoked, not merely refused.
    api(tenant_a, boss_a).patch(f"/api/v1/users/{user.pk}/", {"is_active": True}, format="json")
    assert token_client.get("/api/v1/me/").status_code == 401


def test_disabling_on_the_page_revokes_tokens_and_sessions(tenant_a, boss_a, make_user, client_for):
    user = make_user(tenant_a, username="li")
    token_client, device = signed_in_everywhere(tenant_a, client_for, user)
    client_for(tenant_a, boss_a).post(f"/accounts/users/{user.pk}/toggle-active/")
    assert_signed_out(token_client, device)


def test_other_users_keep_their_sessions(tenant_a, boss_a, make_user, client_for):
    user = make_user(tenant_a, username="li")
    other = make_user(tenant_a, username="wang")
    token_client, device = signed_in_everywhere(tenant_a, client_for, other)
    api(tenant_a, boss_a).post(f"/api/v1/users/{user.pk}/set_password/", {"password": NEW})
    assert token_client.get("/api/v1/me/").status_code == 200 and device.get("/workbench/").status_code == 200
