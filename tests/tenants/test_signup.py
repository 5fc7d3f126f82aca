"""Signup (PLT-01): validation, landing logged in, concurrency, all-or-nothing provisioning."""

from __future__ import annotations

import threading
import uuid
from urllib.parse import urlparse

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.utils import translation
from django_tenants.utils import schema_exists

from saas_core.accounts.models import LoginAttempt, User
from tenants import provisioning
from tenants.models import Domain, Tenant
from tests.conftest import PASSWORD


def unique_sub(prefix: str = "co") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def signup_data(**overrides) -> dict:
    data = {
        "company_name": "北京星辰科技有限公司", "subdomain": unique_sub(), "admin_name": "王芳",
        "email": "wang@example.com", "password": PASSWORD,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestSubdomainRules:
    @pytest.mark.parametrize("value", ["www", "api", "admin", "static", "media", "public", "mail"])
    def test_reserved_names_are_refused_naming_the_rule(self, value):
        with pytest.raises(ValidationError, match="reserved"):
            provisioning.validate_subdomain(value)

    @pytest.mark.parametrize("value, rule", [
        ("ab", "3 to 30"), ("a" * 31, "3 to 30"), ("Acme!", "lower-case"), ("1acme", "start with a letter"),
        ("acme-", "hyphen"), ("ac--me", "hyphen"), ("ac_me", "lower-case"), ("北京", "3 to 30"),
    ])
    def test_malformed_names_are_refused_naming_the_rule(self, value, rule):
        with pytest.raises(ValidationError) as exc:
            provisioning.validate_subdomain(value)
        assert rule in exc.value.messages[0]

    def test_upper_case_is_folded(self):
        assert provisioning.validate_subdomain(" Acme-China ") == "acme-china"


@pytest.mark.django_db
def test_signup_form_lands_logged_in_as_boss(public_client, settings):
    data = signup_data()
    response = public_client.post("/signup/", data)
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.hostname == f"{data['subdomain']}.{settings.BASE_DOMAIN}"
    assert target.path == "/accounts/welcome/"

    workspace = Client(HTTP_HOST=target.hostname, HTTP_ACCEPT_LANGUAGE="en")
    landed = workspace.get(f"{target.path}?{target.query}", follow=True)
    assert landed.redirect_chain[-1][0] == "/workbench/"
    page = landed.content.decode()
    assert "北京星辰科技有限公司" in page and "王芳" in page
    # The ticket works once only.
    again = Client(HTTP_HOST=target.hostname, HTTP_ACCEPT_LANGUAGE="en").get(f"{target.path}?{target.query}")
    assert again.status_code == 302 and again["Location"] == "/accounts/login/"

    tenant = Tenant.objects.get(schema_name=provisioning.schema_name_for(data["subdomain"]))
    assert tenant.status == Tenant.Status.TRIALING and tenant.trial_ends_at is not None
    connection.set_tenant(tenant)
    boss = User.objects.get()
    assert boss.role == "boss" and boss.email == "wang@example.com"
    assert boss.password.startswith("argon2$")
    assert LoginAttempt.objects.filter(user=boss, success=True).exists()


@pytest.mark.django_db
def test_signup_form_shows_every_problem(public_client):
    response = public_client.post("/signup/", signup_data(subdomain="www", email="not-an-email", password="123"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "reserved" in errors["subdomain"][0]
    assert "email" in errors and "password" in errors


@pytest.mark.django_db
def test_taken_subdomain_is_refused(public_client, tenant_a):
    response = public_client.post("/signup/", signup_data(subdomain="alpha"))
    assert "already taken" in response.context["form"].errors["subdomain"][0]
    check = public_client.get("/signup/check/", {"subdomain": "alpha"}).json()
    assert check == {"ok": False, "message": "The workspace address “alpha” is already taken."}
    assert public_client.get("/signup/check/", {"subdomain": unique_sub()}).json()["ok"] is True


@pytest.mark.django_db
def test_new_workspace_is_a_full_copy_of_the_template():
    """The clone has the template's tables, constraints, indexes and migration records."""
    ws = provisioning.create_workspace(**signup_data())
    with connection.cursor() as cursor:
        def catalogue(schema):
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s", [schema]
            )
            relations = cursor.fetchone()[0]
            cursor.execute(
                "SELECT array_agg(conname ORDER BY conname) FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace WHERE n.nspname = %s",
                [schema],
            )
            return relations, cursor.fetchone()[0]

        assert catalogue(ws.tenant.schema_name) == catalogue("tenant_template")
        cursor.execute(f"SELECT count(*) FROM {ws.tenant.schema_name}.django_migrations")
        tenant_migrations = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tenant_template.django_migrations")
        assert tenant_migrations == cursor.fetchone()[0] > 10
    # New rows get fresh ids (identity sequences were moved past the copied rows).
    connection.set_tenant(ws.tenant)
    second = User.objects.create(username="second")
    assert second.pk > ws.boss.pk


@pytest.mark.django_db
def test_failure_midway_leaves_nothing_behind(monkeypatch):
    data = signup_data()

    def explode(token_user):
        raise RuntimeError("disk full")

    monkeypatch.setattr(provisioning.accounts, "issue_login_ticket", explode)
    with pytest.raises(RuntimeError):
        provisioning.create_workspace(**data)
    schema = provisioning.schema_name_for(data["subdomain"])
    connection.set_schema_to_public()
    assert not Tenant.objects.filter(schema_name=schema).exists()
    assert not Domain.objects.filter(domain__startswith=data["subdomain"] + ".").exists()
    assert not schema_exists(schema)


def _signup_in_thread(data: dict, results: list, barrier: threading.Barrier) -> None:
    try:
        barrier.wait()
        with translation.override("en"):
            ws = provisioning.create_workspace(**data)
        results.append(("ok", ws.tenant.schema_name))
    except ValidationError as exc:
        results.append(("error", exc.message_dict))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.append(("crash", repr(exc)))
    finally:
        connections.close_all()


def _run_concurrently(payloads: list[dict]) -> list:
    results: list = []
    barrier = threading.Barrier(len(payloads))
    threads = [threading.Thread(target=_signup_in_thread, args=(p, results, barrier)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.mark.live
def test_twenty_concurrent_signups_all_succeed(live_db):
    payloads = [signup_data(subdomain=unique_sub("c")) for _ in range(20)]
    results = _run_concurrently(payloads)
    assert sorted(kind for kind, _ in results) == ["ok"] * 20, results
    schemas = {schema for _, schema in results}
    assert Tenant.objects.filter(schema_name__in=schemas).count() == 20
    assert all(schema_exists(s) for s in schemas)


@pytest.mark.live
def test_two_signups_for_one_subdomain_give_one_workspace(live_db):
    sub = unique_sub("race")
    results = _run_concurrently([signup_data(subdomain=sub, email="a@example.com"), signup_data(subdomain=sub, email="b@example.com")])
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    error = next(detail for kind, detail in results if kind == "error")
    assert error == {"subdomain": [f"The workspace address “{sub}” is already taken."]}
    assert Tenant.objects.filter(schema_name=provisioning.schema_name_for(sub)).count() == 1
    assert Domain.objects.filter(domain__startswith=sub + ".").count() == 1
