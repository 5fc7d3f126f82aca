"""Inviting a colleague (issue 14's first hour): the Boss enters a name, an e-mail and a role; the
colleague gets a mail (on a real SMTP server) with a one-time link, chooses a password and signs
in with the address. The Boss is told when the mail could not be sent and can send it again."""

from __future__ import annotations

import re

import pytest

from saas_core.accounts.models import User
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.get_body().get_content()).group(0)


def test_the_colleague_gets_the_link_chooses_a_password_and_signs_in(client_for, tenant_a, tenant_b, boss_a,
                                                                      mailbox):
    boss = client_for(tenant_a, boss_a)
    done = boss.post("/accounts/users/invite/", {"name": "李娜", "email": " Li.Na@Example.com ", "role": "sales",
                                                 "language": "zh-hans"})
    assert done.status_code == 302 and done.url == "/accounts/users/"
    listed = boss.get("/accounts/users/").content.decode()
    assert "The invitation has been sent to li.na@example.com." in listed
    assert re.search(r'data-username="li.na@example.com">.*?data-testid="invited"', listed, re.S)
    with in_tenant(tenant_a):
        user = User.objects.get(email="li.na@example.com")
        assert user.username == "li.na@example.com" and user.role == "sales" and not user.has_usable_password()

    assert len(mailbox) == 1 and mailbox[0]["To"] == "li.na@example.com"
    link = link_in(mailbox[0])
    assert link.startswith(f"http://{tenant_a.host}/accounts/invite/")

    # Another company's host does not take the link (its users are others, in another schema).
    elsewhere = client_for(tenant_b).get(link.split(tenant_a.host, 1)[1], follow=True).content.decode()
    assert "This link is no longer valid" in elsewhere and 'data-testid="accept-form"' not in elsewhere

    colleague = client_for(tenant_a)
    opened = colleague.get(link.split(tenant_a.host, 1)[1], follow=True)
    assert 'data-testid="accept-form"' in opened.content.decode()
    form_url = opened.redirect_chain[-1][0]
    weak = colleague.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    accepted = colleague.post(form_url, {"new_password1": "Lantern-Harbor-58", "new_password2": "Lantern-Harbor-58"})
    assert accepted.status_code == 302 and accepted.url == "/accounts/login/"
    assert "Sign in with li.na@example.com" in colleague.get("/accounts/login/").content.decode()
    signed_in = colleague.post("/accounts/login/", {"username": "li.na@example.com", "password": "Lantern-Harbor-58"})
    assert signed_in.status_code == 302 and signed_in.url == "/workbench/"

    # The link worked once; the user is no longer "invited".
    again = client_for(tenant_a).get(link.split(tenant_a.host, 1)[1], follow=True).content.decode()
    assert "This link is no longer valid" in again
    assert 'data-testid="invited"' not in boss.get("/accounts/users/").content.decode()


def test_bad_input_is_named_and_nothing_is_created(client_for, tenant_a, boss_a, mailbox):
    boss = client_for(tenant_a, boss_a)
    missing = boss.post("/accounts/users/invite/", {"name": "", "email": "", "role": "sales"}).content.decode()
    assert re.search(r"name.*?This field is required", missing, re.S)
    taken = boss.post("/accounts/users/invite/", {"name": "Boss again", "email": tenant_a.boss_username,
                                                  "role": "sales"}).content.decode()
    assert "A colleague already has this e-mail address." in taken
    with in_tenant(tenant_a):
        assert User.objects.count() == 1
    assert mailbox == []


def test_a_mail_server_down_is_said_and_the_invitation_can_be_sent_again(client_for, tenant_a, boss_a, mailbox,
                                                                         settings, smtp_server):
    settings.EMAIL_PORT = 9  # nothing listens there
    boss = client_for(tenant_a, boss_a)
    boss.post("/accounts/users/invite/", {"name": "王芳", "email": "wang@example.com", "role": "sales"})
    listed = boss.get("/accounts/users/").content.decode()
    assert "the invitation could not be sent just now" in listed and mailbox == []
    with in_tenant(tenant_a):
        pk = User.objects.get(email="wang@example.com").pk

    settings.EMAIL_PORT = smtp_server.port
    assert boss.post(f"/accounts/users/{pk}/invite/").status_code == 302
    assert len(mailbox) == 1 and mailbox[0]["To"] == "wang@example.com"


def test_only_the_boss_invites_and_another_company_cannot_resend(client_for, tenant_a, tenant_b, boss_a, make_user,
                                                                 mailbox):
    sales = make_user(tenant_a, role="sales")
    assert client_for(tenant_a, sales).get("/accounts/users/invite/").status_code == 403
    client_for(tenant_a, boss_a).post("/accounts/users/invite/", {"name": "赵六", "email": "zhao@example.com",
                                                                  "role": "sales"})
    with in_tenant(tenant_a):
        pk = User.objects.get(email="zhao@example.com").pk
    other_boss = make_user(tenant_b, role="boss")
    with in_tenant(tenant_b):
        assert not User.objects.filter(pk=pk).exists()
    assert client_for(tenant_b, other_boss).post(f"/accounts/users/{pk}/invite/").status_code == 404
    assert client_for(tenant_a, sales).post(f"/accounts/users/{pk}/invite/").status_code == 403
    assert len(mailbox) == 1
