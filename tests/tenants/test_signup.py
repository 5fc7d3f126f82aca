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


def assert_nothing_half_made(prefix: str) -> None:
    """No company left being prepared, and no schema with this prefix without a ready company."""
    connection.set_schema_to_public()
    assert not Tenant.objects.filter(status=Tenant.Status.PROVISIONING).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [f"t\\_{prefix}%"])
        schemas = {row[0] for row in cursor.fetchall()}
    ready = set(Tenant.objects.filter(schema_name__in=schemas).values_list("schema_name", flat=True))
    assert schemas == ready


@pytest.mark.live
def test_twenty_concurrent_signups_all_succeed(live_db):
    """On a stock PostgreSQL (max_locks_per_transaction 64) a one-transaction clone ran out of
    shared memory with a few signups at once; the stepped clone serves twenty."""
    prefix = unique_sub("c")[:6]
    payloads = [signup_data(subdomain=f"{prefix}{i}") for i in range(20)]
    pool = connections["default"].pool  # a connection for each thread: the database is under test here
    sizes = (pool.min_size, pool.max_size)
    pool.resize(sizes[0], 25)
    try:
        results = _run_concurrently(payloads)
    finally:
        pool.resize(*sizes)
    assert sorted(kind for kind, _ in results) == ["ok"] * 20, results
    schemas = {schema for _, schema in results}
    assert Tenant.objects.filter(schema_name__in=schemas, status=Tenant.Status.TRIALING).count() == 20
    assert all(schema_exists(s) for s in schemas)
    assert_nothing_half_made(prefix)


def _post_signup(url: str, csrf: tuple[str, str], data: dict, barrier: threading.Barrier, out: list) -> None:
    import urllib.error
    import urllib.parse
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    cookie, token = csrf
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    headers = {"Cookie": f"csrftoken={cookie}", "Accept-Language": "en", "Referer": url + "/signup/"}
    request = urllib.request.Request(url + "/signup/", data=body, headers=headers)  # noqa: S310 - loopback
    barrier.wait()
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=180) as response:
            out.append((data["subdomain"], response.status, response.headers, response.read().decode()))
    except urllib.error.HTTPError as exc:
        out.append((data["subdomain"], exc.code, exc.headers, exc.read().decode()))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        out.append((data["subdomain"], None, {}, repr(exc)))


@pytest.mark.live
def test_twenty_concurrent_signups_over_http_succeed_or_are_refused_clearly(live_server_url, live_db):
    """Against the real server (uvicorn, stock PostgreSQL): every signup lands in its workspace or
    is told the service is busy (503, Retry-After); no bare 500, nothing half-made."""
    import re
    import urllib.request

    with urllib.request.urlopen(live_server_url + "/signup/", timeout=60) as page:  # noqa: S310 - loopback
        html = page.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    prefix = unique_sub("h")[:6]
    payloads = [signup_data(subdomain=f"{prefix}{i}", email=f"boss{i}@example.com") for i in range(20)]
    out: list = []
    barrier = threading.Barrier(len(payloads))
    threads = [threading.Thread(target=_post_signup, args=(live_server_url, (cookie, token), p, barrier, out))
               for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert len(out) == 20
    created = set()
    for subdomain, status, headers, body in out:
        if status == 302:
            assert headers["Location"].startswith(f"http://{subdomain}.localhost:"), headers["Location"]
            created.add(provisioning.schema_name_for(subdomain))
        else:
            # Refused while the database or the server's connection pool was busy: the signup's
            # own message, or the one for any page when no connection came in time.
            assert status == 503 and headers["Retry-After"], (subdomain, status, body[:500])
            assert "the service is very busy right now" in body.replace("The service", "the service")
    assert created, out  # a refusal of everything would prove nothing
    ready = Tenant.objects.filter(schema_name__startswith=f"t_{prefix}", status=Tenant.Status.TRIALING)
    assert set(ready.values_list("schema_name", flat=True)) == created
    assert_nothing_half_made(prefix)


def _pausing_steps(monkeypatch, after: int, paused: threading.Event, resume: threading.Event) -> None:
    """Hold a signup between two clone steps (the gap where a half-made schema exists)."""
    real, count = provisioning.run_step, [0]

    def run_step(schema, statements):
        count[0] += 1
        if count[0] == after:
            paused.set()
            assert resume.wait(120)
        real(schema, statements)

    monkeypatch.setattr(provisioning, "run_step", run_step)


@pytest.mark.live
def test_a_company_being_prepared_is_hidden_until_it_is_ready(live_db, monkeypatch):
    from tenants.console.views import companies

    paused, resume = threading.Event(), threading.Event()
    _pausing_steps(monkeypatch, 20, paused, resume)
    data = signup_data()
    results = []
    thread = threading.Thread(target=_signup_in_thread, args=(data, results, threading.Barrier(1)))
    thread.start()
    try:
        assert paused.wait(120)
        tenant = Tenant.objects.get(schema_name=provisioning.schema_name_for(data["subdomain"]))
        assert tenant.status == Tenant.Status.PROVISIONING
        host = f"{data['subdomain']}.localhost"
        for path in ("/accounts/login/", "/api/v1/me/", "/workbench/"):
            response = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="en").get(path)
            assert response.status_code == 503 and response["Retry-After"]
            assert "This workspace is being prepared" in response.content.decode()
        assert not companies().filter(pk=tenant.pk).exists()  # the console's lists and rollout
        from saas_core.tenancy import live_tenants

        assert not live_tenants().filter(pk=tenant.pk).exists()  # periodic fan-out
        assert provisioning.sweep_abandoned() == []  # its signup is at work: not abandoned
    finally:
        resume.set()
        thread.join(120)
    assert results == [("ok", tenant.schema_name)]
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.TRIALING
    response = Client(HTTP_HOST=f"{data['subdomain']}.localhost", HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/")
    assert response.status_code == 200


DIE_MIDWAY = """
import os, django
django.setup()
from tenants import provisioning
real, count = provisioning.run_step, [0]
def run_step(schema, statements):
    count[0] += 1
    if count[0] == 30:
        os._exit(9)  # the process dies between two committed steps
    real(schema, statements)
provisioning.run_step = run_step
provisioning.create_workspace(company_name="Dies", subdomain=os.environ["SUB"], admin_name="D",
                              email="d@dies.example.com", password="Correct-Horse-77")
"""


@pytest.mark.live
def test_a_signup_that_dies_midway_stays_hidden_and_is_swept(live_db):
    import subprocess
    import sys

    from tests.conftest import child_env

    sub = unique_sub("die")
    died = subprocess.run([sys.executable, "-c", DIE_MIDWAY], env=child_env(SUB=sub), timeout=300,
                          capture_output=True, text=True)
    assert died.returncode == 9, died.stderr[-2000:]
    schema = provisioning.schema_name_for(sub)
    tenant = Tenant.objects.get(schema_name=schema)
    assert tenant.status == Tenant.Status.PROVISIONING and schema_exists(schema)  # half-made ...
    response = Client(HTTP_HOST=f"{sub}.localhost", HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/")
    assert response.status_code == 503  # ... and hidden
    assert provisioning.sweep_abandoned() == [schema]
    assert not Tenant.objects.filter(schema_name=schema).exists()
    assert not Domain.objects.filter(domain__startswith=sub + ".").exists()
    assert not schema_exists(schema)


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
