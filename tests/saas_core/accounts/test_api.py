"""REST API /api/v1/: token and session auth, users and login log, one error format."""

import pytest
from rest_framework.test import APIClient

from saas_core.accounts.models import LoginAttempt, User
from tests.conftest import PASSWORD, api, in_tenant

pytestmark = pytest.mark.django_db



def token_client(info, username, password=PASSWORD) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST=info.host)
    response = client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.json()
    client.credentials(HTTP_AUTHORIZATION="Token " + response.json()["token"])
    return client


def test_token_login_is_logged_and_wrong_password_is_a_400(tenant_a, make_user):
    make_user(tenant_a, username="li", role="boss")
    bad = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST=tenant_a.host).post("/api/v1/auth/token/", {"username": "li", "password": "x"}, format="json")
    assert bad.status_code == 400 and bad.json() == {"detail": "The user name or password is wrong.", "errors": {}}
    client = token_client(tenant_a, "li")
    assert client.get("/api/v1/me/").json()["username"] == "li"
    with in_tenant(tenant_a):
        assert list(LoginAttempt.objects.filter(username="li").order_by("at").values_list("reason", flat=True)) == ["bad_password", "ok"]


def test_anonymous_gets_401(tenant_a):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST=tenant_a.host).get("/api/v1/users/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_boss_lists_creates_updates_and_deletes_users(tenant_a, boss_a):
    client = token_client(tenant_a, boss_a.username)
    created = client.post("/api/v1/users/", {
        "username": "wangwu", "name": "王五", "email": "ww@example.com", "role": "sales", "password": "Sun-Rise-2031",
    }, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert "password" not in body and body["role"] == "sales"
    listing = client.get("/api/v1/users/", {"search": "王五"}).json()
    assert listing["count"] == 1 and listing["results"][0]["username"] == "wangwu"
    pk = body["id"]
    assert client.patch(f"/api/v1/users/{pk}/", {"role": "manager"}, format="json").json()["role"] == "manager"
    assert client.post(f"/api/v1/users/{pk}/set_password/", {"password": "Blue-Ocean-4411"}, format="json").status_code == 204
    token_client(tenant_a, "wangwu", "Blue-Ocean-4411")
    assert client.delete(f"/api/v1/users/{pk}/").status_code == 204
    with in_tenant(tenant_a):
        assert not User.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("payload, field", [
    ({"username": "", "password": "Sun-Rise-2031"}, "username"),
    ({"username": "x1", "password": "123"}, "password"),
    ({"username": "x2", "password": "Sun-Rise-2031", "role": "emperor"}, "role"),
    ({"username": "x3", "password": "Sun-Rise-2031", "email": "nope"}, "email"),
    ({"username": "x4", "password": "Sun-Rise-2031", "time_zone": "Mars/Olympus"}, "time_zone"),
])
def test_bad_input_is_a_400_with_a_field_map(tenant_a, boss_a, payload, field):
    response = api(tenant_a, boss_a).post("/api/v1/users/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["errors"][field]
    assert body["detail"].startswith(field)


def test_service_level_errors_are_400_not_500(tenant_a, boss_a, make_user):
    make_user(tenant_a, username="taken")
    response = api(tenant_a, boss_a).post("/api/v1/users/", {"username": "taken", "password": "Sun-Rise-2031"}, format="json")
    assert response.status_code == 400 and "already taken" in response.json()["errors"]["username"][0]
    demote = api(tenant_a, boss_a).patch(f"/api/v1/users/{boss_a.pk}/", {"role": "sales"}, format="json")
    assert demote.status_code == 400 and "Boss" in demote.json()["detail"]
    malformed = api(tenant_a, boss_a).generic("POST", "/api/v1/users/", "{not json", content_type="application/json")
    assert malformed.status_code == 400


def test_login_log_endpoint_filters_and_is_boss_only(tenant_a, boss_a, make_user):
    sales = make_user(tenant_a, username="sales1", role="sales")
    APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST=tenant_a.host).post("/api/v1/auth/token/", {"username": "sales1", "password": "bad"}, format="json")
    rows = api(tenant_a, boss_a).get("/api/v1/login-log/", {"result": "fail"}).json()["results"]
    assert [(r["username"], r["reason"], r["success"]) for r in rows] == [("sales1", "bad_password", False)]
    forbidden = api(tenant_a, sales).get("/api/v1/login-log/")
    assert forbidden.status_code == 403 and "Only the Boss" in forbidden.json()["detail"]
    assert api(tenant_a, sales).get("/api/v1/users/").status_code == 403


def test_tenant_isolation_over_the_api(tenant_a, tenant_b, boss_a, make_user):
    victim = make_user(tenant_b, username="victim")
    client = api(tenant_a, boss_a)
    assert client.get(f"/api/v1/users/{victim.pk}/").status_code == 404
    assert client.patch(f"/api/v1/users/{victim.pk}/", {"role": "boss"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/users/{victim.pk}/").status_code == 404
    assert "victim" not in str(client.get("/api/v1/users/", {"search": "victim"}).json())
    # A token of tenant A is unknown on tenant B's host.
    token_a = token_client(tenant_a, boss_a.username)
    token_a.credentials(HTTP_AUTHORIZATION=token_a._credentials["HTTP_AUTHORIZATION"], HTTP_HOST=tenant_b.host)
    other = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST=tenant_b.host)
    other.credentials(HTTP_AUTHORIZATION=token_a._credentials["HTTP_AUTHORIZATION"])
    assert other.get("/api/v1/me/").status_code == 401
    with in_tenant(tenant_b):
        victim.refresh_from_db()
    assert victim.role == "sales" and victim.deleted_at is None


def test_openapi_schema_and_docs_page(tenant_a, boss_a):
    client = api(tenant_a, boss_a)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/users/", "/api/v1/login-log/", "/api/v1/auth/token/"} <= set(schema["paths"])
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()
