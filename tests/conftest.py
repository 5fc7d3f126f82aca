"""Test fixtures: real PostgreSQL and Redis (embedded unless the URLs are set), two tenants.

Two workspaces, A and B, are provisioned once per test session with committed data, so both
ordinary tests (inside a rolled-back transaction) and live tests (a real web server, a real
Celery worker, concurrent signups) can use them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

PASSWORD = "Correct-Horse-77"


@dataclass
class TenantInfo:
    schema: str
    host: str
    name: str
    boss_username: str


def _workspace(subdomain: str, name: str) -> TenantInfo:
    from tenants import provisioning

    email = f"boss@{subdomain}.example.com"
    ws = provisioning.create_workspace(
        company_name=name, subdomain=subdomain, admin_name=f"Boss {subdomain}", email=email,
        password=PASSWORD, language="en",
    )
    return TenantInfo(ws.tenant.schema_name, ws.host, name, email)


def pytest_configure(config):
    # Set in the controlling process, inherited by xdist workers: one id per test run.
    os.environ.setdefault("CRM_TEST_RUN_ID", uuid.uuid4().hex[:8])


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Suffix the test database with the run id, so parallel runs on one server never collide."""
    test = settings.DATABASES["default"].setdefault("TEST", {})
    base = test.get("NAME") or "test_" + settings.DATABASES["default"]["NAME"]
    test["NAME"] = f"{base}_{os.environ['CRM_TEST_RUN_ID']}"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """Create the test database, then the public tenant, the template and tenants A and B.

    pytest-django's own fixture sets up only the databases that collected tests declare with
    the ``django_db`` marker; a session of live tests alone (committed data, real servers)
    declares none and would run against the development database. This one always creates
    the test database and refuses to go on if the name is not a test database's.
    """
    from django.test.utils import setup_databases, teardown_databases

    from tenants import provisioning

    with django_db_blocker.unblock():
        # Something may have connected at collection (the API schema test generates the schema
        # then): the connection pool keeps the settings it was made with, and would give the
        # test run connections to the development database. Django closes the connection but
        # not the pool when it switches to the test database.
        connection.close()
        connection.close_pool()
        db_cfg = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        name = settings.DATABASES["default"]["NAME"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            (actual,) = cursor.fetchone()
        if not name.startswith("test_") or actual != name:
            pytest.exit(f"refusing to run tests on database {actual!r} (settings: {name!r})", returncode=3)
        provisioning.ensure_public_tenant()
        provisioning.ensure_template_schema()
        tenants = {"a": _workspace("alpha", "Alpha Trading Ltd"), "b": _workspace("beta", "Beta 科技有限公司")}
    yield tenants
    with django_db_blocker.unblock():
        connection.close()
        _end_other_sessions(settings.DATABASES["default"]["NAME"])
        teardown_databases(db_cfg, verbosity=0)


def _end_other_sessions(database: str) -> None:
    """A thread or child process of some test that never closed its connection would make
    DROP DATABASE fail ("is being accessed by other users") and fail the last test of the run."""
    connection.close_pool()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                       "AND pid <> pg_backend_pid()", [database])


@pytest.fixture(scope="session")
def tenant_a(django_db_setup) -> TenantInfo:
    return django_db_setup["a"]


@pytest.fixture(scope="session")
def tenant_b(django_db_setup) -> TenantInfo:
    return django_db_setup["b"]


@contextmanager
def in_tenant(info: TenantInfo):
    with schema_context(info.schema):
        yield


def api(info: TenantInfo, user=None):
    """A DRF test client on a tenant's host (English answers), signed in as ``user`` if given."""
    from rest_framework.test import APIClient

    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST=info.host)
    if user is not None:
        with in_tenant(info):
            client.force_login(user)
    return client


@pytest.fixture
def make_user(db):
    """Create a user in a tenant: make_user(tenant_a, role="sales", username="li")."""
    from tests.factories import UserFactory

    def make(info: TenantInfo, **fields):
        with in_tenant(info):
            return UserFactory(**fields)

    return make


@pytest.fixture
def boss_a(db, tenant_a):
    from saas_core.accounts.models import User

    with in_tenant(tenant_a):
        return User.objects.get(username=tenant_a.boss_username)


@pytest.fixture
def client_for(db):
    """A test client talking to a tenant's host, optionally signed in as ``user``."""

    def make(info: TenantInfo, user=None, **kwargs) -> Client:
        kwargs.setdefault("HTTP_ACCEPT_LANGUAGE", "en")  # assertions read English; zh-Hans is the default
        client = Client(HTTP_HOST=info.host, **kwargs)
        if user is not None:
            with in_tenant(info):
                client.force_login(user)
        return client

    return make


@pytest.fixture
def public_client(db) -> Client:
    return Client(HTTP_HOST=settings.BASE_DOMAIN, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def _back_to_public():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts with no rate-limit counts and no sign-in locks of earlier tests (they
    live in Redis, which a test's rolled-back transaction does not touch)."""
    from django.core.cache import cache

    redis = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(redis.scan_iter(match=f"*:{prefix}:*:throttle:*", count=1000))
    if keys:
        redis.delete(*keys)


@pytest.fixture(autouse=True)
def _english():
    """Service-level messages in English (zh-Hans is the product default); requests pick their own."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback; ``.messages`` holds what it received."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def mailbox(smtp_server, settings):
    """Route the product's e-mail to the loopback SMTP server and start with an empty box."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    smtp_server.messages.clear()
    return smtp_server.messages


# --- live: committed data, real servers --------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url_of_test_db(name: str | None = None) -> str:
    """DATABASE_URL pointing at the test database (or at database ``name`` on the same server).
    The query is split off first: the embedded server's URL names its socket directory there
    (``postgresql://postgres:@/postgres?host=/…/pgdata``)."""
    url = os.environ["DATABASE_URL"]
    base, _, query = url.partition("?")
    base = base.rsplit("/", 1)[0] + "/" + (name or settings.DATABASES["default"]["NAME"])
    return base + ("?" + query if query else "")


def child_env(**extra) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url_of_test_db(), DJANGO_SETTINGS_MODULE="saas_core.settings")
    env.update(extra)
    return env


STRIPE_WEBHOOK_SECRET = "whsec_test_crm"


@pytest.fixture(scope="session")
def localstripe_server(tmp_path_factory) -> str:
    """A real localstripe server (the Stripe API, stateful) on a free loopback port.

    Its URL and the webhook secret go into the environment, so the live server and the Celery
    worker started later in the session talk to it too.
    """
    port = free_port()
    log = (tmp_path_factory.mktemp("localstripe") / "localstripe.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "localstripe", "--port", str(port)], stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.1)
    url = f"http://127.0.0.1:{port}"
    os.environ.update(STRIPE_API_BASE=url, STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET)
    settings.STRIPE_API_BASE, settings.STRIPE_WEBHOOK_SECRET = url, STRIPE_WEBHOOK_SECRET
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture
def stripe_server(localstripe_server, settings) -> str:
    """localstripe, its objects emptied for this test (registered webhooks stay)."""
    import urllib.request

    settings.STRIPE_API_BASE, settings.STRIPE_WEBHOOK_SECRET = localstripe_server, STRIPE_WEBHOOK_SECRET
    request = urllib.request.Request(localstripe_server + "/_config/data", method="DELETE")  # noqa: S310 - loopback
    urllib.request.urlopen(request, timeout=5)  # noqa: S310
    return localstripe_server


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, localstripe_server, smtp_server):
    """The product's ASGI app under uvicorn, on the test database, at http://localhost:PORT; its
    e-mail goes to the session's loopback SMTP server (``smtp_server``, read by ``mailbox``)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "saas_core.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        # One server and one client address for the whole session: its signups would share one
        # hour's SIGNUP_RATE. Rate limits are tested in-process, per test (tests/web).
        env=child_env(SIGNUP_RATE="off", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                      EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_server.port)),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("the live server did not start")
    yield f"http://localhost:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def live_db(django_db_setup, django_db_blocker):
    """Committed database access for live tests; created workspaces are removed afterwards."""
    from tenants.models import Tenant

    with django_db_blocker.unblock():
        before = set(Tenant.objects.values_list("schema_name", flat=True))
        yield
        connection.set_schema_to_public()
        for tenant in Tenant.objects.exclude(schema_name__in=before):
            tenant.delete(force_drop=True)
