"""Password reset tells the truth about the e-mail: "could not be sent" when the mail server is
down (and logged), "check your e-mail" when it went out."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.django_db

COULD_NOT = {"en": "The e-mail could not be sent just now", "zh-hans": "邮件暂时无法发送"}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_with_the_mail_server_down_the_user_is_told_it_could_not_be_sent(
        client_for, tenant_a, settings, caplog, language):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    client = client_for(tenant_a, HTTP_ACCEPT_LANGUAGE=language)
    with caplog.at_level(logging.ERROR, logger="saas_core.accounts.forms"):
        response = client.post("/accounts/password-reset/", {"email": tenant_a.boss_username})
    assert response.status_code == 200  # the form again, not the "sent" page
    html = response.content.decode()
    assert COULD_NOT[language] in html
    assert "Check your e-mail" not in html and "请查收邮件" not in html
    assert any("could not be sent" in record.getMessage() for record in caplog.records)
    # An address without an account gets the same answer: the page tells nobody which exist.
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@nowhere.example.com"})
    assert unknown.status_code == 200 and COULD_NOT[language] in unknown.content.decode()


def test_with_the_mail_server_up_the_link_is_sent(client_for, tenant_a, mailbox):
    client = client_for(tenant_a)
    response = client.post("/accounts/password-reset/", {"email": tenant_a.boss_username})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert len(mailbox) == 1 and mailbox[0]["To"] == tenant_a.boss_username
    assert f"http://{tenant_a.host}/accounts/password-reset/" in mailbox[0].get_body().get_content()
    assert client.post("/accounts/password-reset/", {"email": "nobody@nowhere.example.com"}).status_code == 302
