import time
from datetime import timedelta

import pytest
from django.utils import timezone

from saas_core.accounts.models import LoginAttempt
from tests.conftest import PASSWORD, in_tenant

pytestmark = pytest.mark.django_db


def post_login(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_login_succeeds_and_is_logged(client_for, tenant_a, make_user):
    user = make_user(tenant_a, username="li", role="manager")
    client = client_for(tenant_a)
    response = post_login(client, "li", PASSWORD, HTTP_USER_AGENT="TestBrowser/1.0")
    assert response.status_code == 302 and response["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200
    with in_tenant(tenant_a):
        attempt = LoginAttempt.objects.get(username="li")
    assert attempt.success and attempt.user_id == user.pk and attempt.role == "manager"
    assert attempt.user_agent == "TestBrowser/1.0" and attempt.ip == "127.0.0.1"


def test_wrong_password_is_refused_and_logged_with_reason(client_for, tenant_a, make_user):
    make_user(tenant_a, username="li")
    client = client_for(tenant_a)
    response = post_login(client, "li", "nope")
    assert response.status_code == 200
    assert "wrong" in response.content.decode()
    assert post_login(client, "ghost", "nope").status_code == 200
    with in_tenant(tenant_a):
        reasons = list(LoginAttempt.objects.order_by("at").values_list("username", "reason", "success"))
    assert reasons == [("li", "bad_password", False), ("ghost", "unknown_user", False)]


def test_five_failures_from_one_address_lock_it_out_of_the_account_for_fifteen_minutes(client_for, tenant_a, make_user):
    make_user(tenant_a, username="li")
    client = client_for(tenant_a)
    for _ in range(4):
        assert post_login(client, "li", "wrong").status_code == 200
    response = post_login(client, "li", "wrong")
    assert response.status_code == 429 and "locked until" in response.content.decode()
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    # Even the right password is refused from this address while locked, saying until when.
    response = post_login(client, "li", PASSWORD)
    assert response.status_code == 429 and "locked until" in response.content.decode()
    with in_tenant(tenant_a):
        reasons = list(LoginAttempt.objects.filter(username="li").order_by("at").values_list("reason", flat=True))
    assert reasons == ["bad_password"] * 5 + ["locked"]


def test_lock_expires(client_for, tenant_a, make_user, settings):
    settings.LOGIN_LOCK_MINUTES = 0.02  # 1.2 s
    make_user(tenant_a, username="li")
    client = client_for(tenant_a)
    for _ in range(5):
        post_login(client, "li", "wrong")
    assert post_login(client, "li", PASSWORD).status_code == 429
    time.sleep(2)
    assert post_login(client, "li", PASSWORD).status_code == 302


def test_disabled_user_cannot_sign_in(client_for, tenant_a, make_user):
    make_user(tenant_a, username="li", is_active=False)
    response = post_login(client_for(tenant_a), "li", PASSWORD)
    assert "disabled" in response.content.decode()


def test_forwarded_for_is_ignored_unless_peer_is_trusted(client_for, tenant_a, make_user, settings):
    import ipaddress

    make_user(tenant_a, username="li")
    post_login(client_for(tenant_a), "li", PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6")
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.0/8")]
    post_login(client_for(tenant_a), "li", PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.9, 127.0.0.2")
    with in_tenant(tenant_a):
        ips = list(LoginAttempt.objects.order_by("at").values_list("ip", flat=True))
    # The second hop from the right (10.0.0.9) is not a trusted proxy, so it is the client.
    assert ips == ["127.0.0.1", "10.0.0.9"]


def test_credentials_of_tenant_a_do_not_work_on_tenant_b(client_for, tenant_a, tenant_b, make_user):
    make_user(tenant_a, username="li")
    response = post_login(client_for(tenant_b), "li", PASSWORD)
    assert response.status_code == 200 and "wrong" in response.content.decode()
    with in_tenant(tenant_b):
        assert LoginAttempt.objects.get(username="li").reason == "unknown_user"


def test_session_of_tenant_a_is_not_valid_on_tenant_b(client_for, tenant_a, tenant_b, make_user):
    user = make_user(tenant_a, username="li")
    client_a = client_for(tenant_a, user)
    assert client_a.get("/workbench/").status_code == 200
    session_cookie = client_a.cookies["sessionid"].value
    client_b = client_for(tenant_b)
    client_b.cookies["sessionid"] = session_cookie
    response = client_b.get("/workbench/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_purge_login_log_keeps_recent_rows(tenant_a, settings):
    from saas_core.accounts import services

    settings.LOGIN_LOG_RETENTION_DAYS = 90
    with in_tenant(tenant_a):
        old = LoginAttempt.objects.create(username="x", success=False, reason="unknown_user", at=timezone.now() - timedelta(days=91))
        new = LoginAttempt.objects.create(username="y", success=False, reason="unknown_user", at=timezone.now() - timedelta(days=89))
        assert services.purge_login_log() == 1
        assert list(LoginAttempt.objects.filter(pk__in=[old.pk, new.pk]).values_list("pk", flat=True)) == [new.pk]
