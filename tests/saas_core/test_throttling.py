"""API rate limits (saas_core.throttling.RequestRateThrottle): per user or client address, per company,
reads and writes apart; 429 with Retry-After."""

import pytest
from rest_framework.test import APIClient

from saas_core.accounts.models import User
from tests.conftest import api, in_tenant

pytestmark = pytest.mark.django_db


def boss_of(info):
    with in_tenant(info):
        return User.objects.get(username=info.boss_username)


def test_reads_per_user_answer_429_with_retry_after_and_spare_the_other_company(tenant_a, tenant_b, settings):
    settings.API_READ_RATE = "5/min"
    boss_a, boss_b = boss_of(tenant_a), boss_of(tenant_b)
    client = api(tenant_a, boss_a)
    assert [client.get("/api/v1/me/").status_code for _ in range(6)] == [200] * 5 + [429]
    refused = client.get("/api/v1/customers/")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"]
    # Writes have their own budget; so has tenant B's Boss, even with the same user id.
    assert client.patch("/api/v1/me/update/", {"signature": "x"}, format="json").status_code == 200
    assert boss_a.pk == boss_b.pk
    assert api(tenant_b, boss_b).get("/api/v1/me/").status_code == 200


def test_writes_per_user_are_limited(tenant_a, settings):
    settings.API_WRITE_RATE = "3/min"
    client = api(tenant_a, boss_of(tenant_a))
    answers = [client.patch("/api/v1/me/update/", {"signature": str(n)}, format="json").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.get("/api/v1/me/").json()["signature"] == "2"  # the refused write wrote nothing


def test_anonymous_calls_count_per_address_and_company(tenant_a, tenant_b, settings):
    settings.API_WRITE_RATE = "3/min"

    def post(info, address):
        client = APIClient(HTTP_HOST=info.host, HTTP_ACCEPT_LANGUAGE="en")
        return client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json",
                           REMOTE_ADDR=address).status_code

    assert [post(tenant_a, "203.0.113.9") for _ in range(4)] == [400, 400, 400, 429]
    assert post(tenant_a, "203.0.113.10") == 400
    assert post(tenant_b, "203.0.113.9") == 400
