"""Sign-in protection (accounts.guard): a stranger cannot lock a user out, the answers do not
tell known accounts from unknown ones, and addresses and accounts are rate limited."""

import re

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from rest_framework.test import APIClient

from saas_core.accounts.models import LoginAttempt
from tests.conftest import PASSWORD, in_tenant

pytestmark = pytest.mark.django_db

ATTACKER, USER_HOME = "203.0.113.66", "198.51.100.7"


def web_login(client, username, password, address):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def token(info, username, password, address):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST=info.host)
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json",
                       REMOTE_ADDR=address)


def test_a_stranger_failing_many_times_does_not_lock_the_boss_out(client_for, tenant_a, make_user):
    make_user(tenant_a, username="boss2", role="boss")
    client = client_for(tenant_a)
    for _ in range(8):  # 16 guesses: beyond the lock, within the address's rate
        web_login(client, "boss2", "guess", ATTACKER)
        token(tenant_a, "boss2", "guess", ATTACKER)
    # The stranger is locked out of the account…
    assert web_login(client, "boss2", PASSWORD, ATTACKER).status_code == 429
    assert token(tenant_a, "boss2", PASSWORD, ATTACKER).status_code == 429
    # …the Boss, from their own address, is not: on the page and through the API.
    assert web_login(client_for(tenant_a), "boss2", PASSWORD, USER_HOME).status_code == 302
    assert token(tenant_a, "boss2", PASSWORD, USER_HOME).status_code == 200
    with in_tenant(tenant_a):
        log = LoginAttempt.objects.filter(username="boss2")
        assert set(log.filter(ip=ATTACKER).values_list("reason", flat=True)) == {"bad_password", "locked"}
        assert list(log.filter(ip=USER_HOME).values_list("reason", flat=True)) == ["ok", "ok"]


def _answers(info, client, username):
    """What an attacker sees for six wrong passwords: (status, message) on the page and the API
    (the minute a lock ends is left out: the two runs may straddle a minute)."""
    def words(text):
        return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "<time>", text)

    seen = []
    for _ in range(6):
        page = web_login(client, username, "guess", ATTACKER)
        errors = [words(e) for e in page.context["form"].non_field_errors()]
        seen.append((page.status_code, errors, page.get("Retry-After") is not None))
    api_answer = token(info, username + "-api", "guess", ATTACKER)
    return seen, api_answer.status_code, words(api_answer.json()["detail"])


def test_known_and_unknown_accounts_get_the_same_answers(client_for, tenant_a, make_user):
    make_user(tenant_a, username="known")
    make_user(tenant_a, username="known-api")
    known = _answers(tenant_a, client_for(tenant_a), "known")
    unknown = _answers(tenant_a, client_for(tenant_a), "nobody")
    assert known == unknown
    statuses = [status for status, _m, _r in known[0]]
    assert statuses == [200] * 4 + [429] * 2  # the fifth failure starts the lock


def test_the_password_hasher_runs_for_unknown_accounts_too(client_for, tenant_a, make_user, monkeypatch):
    """The time of the answer must not tell an existing account from an unknown one."""
    calls = []
    verify = Argon2PasswordHasher.verify

    def counting_verify(self, password, encoded):
        calls.append(encoded)
        return verify(self, password, encoded)

    monkeypatch.setattr(Argon2PasswordHasher, "verify", counting_verify)
    make_user(tenant_a, username="known")
    web_login(client_for(tenant_a), "known", "guess", ATTACKER)
    token(tenant_a, "known", "guess", ATTACKER)
    assert len(calls) == 2
    web_login(client_for(tenant_a), "nobody", "guess", ATTACKER)
    token(tenant_a, "nobody@alpha.example.com", "guess", ATTACKER)
    assert len(calls) == 4 and calls[2].startswith("argon2$")


def test_an_address_failing_on_many_accounts_is_refused_for_a_growing_while(client_for, tenant_a, make_user, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    settings.LOGIN_RATE = "1000/min"
    make_user(tenant_a, username="li")
    client = client_for(tenant_a)
    for n in range(6):  # a spray: one guess on each of six names
        assert web_login(client, f"name{n}", "guess", ATTACKER).status_code == 200
    first = web_login(client, "li", PASSWORD, ATTACKER)
    assert first.status_code == 429 and "Too many sign-in attempts from your address" in first.content.decode()
    assert 0 < int(first["Retry-After"]) <= 60
    assert token(tenant_a, "li", PASSWORD, ATTACKER).status_code == 429
    # Another address is not affected.
    assert web_login(client_for(tenant_a), "li", PASSWORD, USER_HOME).status_code == 302
    # A second block within the day lasts twice as long.
    from saas_core import ratelimit

    with in_tenant(tenant_a):
        ratelimit.reset("signin-block", ATTACKER)
    for n in range(6):
        web_login(client, f"other{n}", "guess", ATTACKER)
    second = web_login(client, "li", PASSWORD, ATTACKER)
    assert second.status_code == 429 and 60 < int(second["Retry-After"]) <= 120
    with in_tenant(tenant_a):
        assert LoginAttempt.objects.filter(ip=ATTACKER, reason="throttled").exists()


def test_token_endpoint_rate_per_address_answers_429_with_retry_after(tenant_a, tenant_b, make_user, settings):
    settings.LOGIN_RATE = "5/min"
    make_user(tenant_a, username="li")
    make_user(tenant_b, username="li")
    answers = [token(tenant_a, "li", PASSWORD, ATTACKER).status_code for _ in range(7)]
    assert answers[:5] == [200] * 5 and answers[5:] == [429, 429]
    refused = token(tenant_a, "li", PASSWORD, ATTACKER)
    assert 0 < int(refused["Retry-After"]) <= 60 and "Too many sign-in attempts" in refused.json()["detail"]
    # Another address, and the same address on another company, have their own budgets.
    assert token(tenant_a, "li", PASSWORD, USER_HOME).status_code == 200
    assert token(tenant_b, "li", PASSWORD, ATTACKER).status_code == 200


def test_successful_sign_ins_per_account_are_rate_limited(tenant_a, make_user, settings):
    """A script holding the password cannot mint tokens (and slow hashes) without end; nobody
    without the password can spend this budget."""
    settings.LOGIN_ACCOUNT_RATE = "3/min"
    make_user(tenant_a, username="li")
    for n in range(10):
        token(tenant_a, "li", "guess", f"192.0.2.{n}")  # strangers' failures spend nothing
    answers = [token(tenant_a, "li", PASSWORD, f"198.51.100.{n}").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]

