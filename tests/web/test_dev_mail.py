"""The dev run's mail catcher: a loopback SMTP server whose messages /dev/mail/ lists, only in
the dev run."""

from __future__ import annotations

import pytest
from django.test import Client

from saas_core import devmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def catcher(tmp_path, settings):
    """As ``crm run`` sets it up: the catcher on loopback, EMAIL_* and DEV_MAIL_DIR pointing at it."""
    controller = devmail.start_catcher(tmp_path / "mail")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.DEV_MAIL_DIR = str(tmp_path / "mail")
    yield controller
    controller.stop()


def test_the_page_lists_a_sent_password_reset_mail(catcher, client_for, tenant_a, public_client):
    empty = public_client.get("/dev/mail/")
    assert empty.status_code == 200 and "No mail has been sent yet." in empty.content.decode()
    sent = client_for(tenant_a).post("/accounts/password-reset/", {"email": tenant_a.boss_username})
    assert sent["Location"] == "/accounts/password-reset/sent/"
    html = public_client.get("/dev/mail/").content.decode()
    assert html.count('data-testid="dev-mail"') == 1
    assert "Reset your password" in html and tenant_a.boss_username in html
    # The link is a link: the developer clicks it to go on with the reset.
    assert f'<a href="http://{tenant_a.host}/accounts/password-reset/' in html


def test_the_page_answers_404_outside_the_dev_run(public_client, client_for, tenant_a, settings):
    settings.DEV_MAIL_DIR = ""
    assert public_client.get("/dev/mail/").status_code == 404
    assert client_for(tenant_a).get("/dev/mail/").status_code == 404


def test_not_on_a_company_host_even_in_the_dev_run(catcher, client_for, tenant_a):
    """A company's host never shows mail the catcher kept for every company."""
    assert client_for(tenant_a).get("/dev/mail/").status_code == 404


def test_the_page_is_in_chinese_for_a_chinese_reader(catcher):
    html = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="zh-hans").get("/dev/mail/").content.decode()
    assert "本次开发运行发送的邮件" in html and "还没有发送任何邮件。" in html
