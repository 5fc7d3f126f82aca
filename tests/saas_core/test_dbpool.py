"""The web process's database connections: pooled, bounded, and never carrying a tenant over."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager

import pytest
from django.db import connection

from tests.conftest import child_env, free_port, in_tenant


@contextmanager
def uvicorn(**env):
    """A web server of our own (its connections named by PGAPPNAME, so they can be counted)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "saas_core.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        env=child_env(**env),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)  # noqa: S310 - loopback
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def server_connections(app_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [app_name])
        return cursor.fetchone()[0]


def get_me(port: int, host: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/me/", headers={  # noqa: S310 - loopback
        "Host": host, "Authorization": f"Token {token}", "Accept-Language": "en"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}


@pytest.fixture
def tokens(live_db, tenant_a, tenant_b):
    """API tokens of both companies' Bosses (committed: the server reads them)."""
    from rest_framework.authtoken.models import Token

    from saas_core.accounts.models import User

    made = {}
    for info in (tenant_a, tenant_b):
        with in_tenant(info):
            boss = User.objects.get(username=info.boss_username)
            Token.objects.filter(user=boss).delete()
            made[info.schema] = Token.objects.create(user=boss).key
    yield made
    for info in (tenant_a, tenant_b):
        with in_tenant(info):
            Token.objects.filter(key=made[info.schema]).delete()


def _hammer(port: int, calls: list[tuple[str, str, int, str | None]], out: list, barrier: threading.Barrier) -> None:
    barrier.wait()
    for host, token, want_status, want_user in calls:
        status, body = get_me(port, host, token)
        out.append((host, want_status, want_user, status, body.get("username")))


def _run_clients(port: int, per_client: list[list]) -> tuple[list[threading.Thread], list]:
    out: list = []
    barrier = threading.Barrier(len(per_client))
    threads = [threading.Thread(target=_hammer, args=(port, calls, out, barrier)) for calls in per_client]
    for t in threads:
        t.start()
    return threads, out


@pytest.mark.live
def test_connections_stay_within_the_pool_under_concurrent_load(tokens, tenant_a, tenant_b):
    """Four API clients, 120 requests: per-thread persistent connections under ASGI went from 3
    to 34 and stayed open; the pool holds the process to its size."""
    app = f"crm-pool-{uuid.uuid4().hex[:8]}"
    with uvicorn(PGAPPNAME=app, DATABASE_POOL_MAX_SIZE="3", DATABASE_POOL_MIN_SIZE="1") as port:
        a, b = tenant_a, tenant_b
        clients = [[(info.host, tokens[info.schema], 200, info.boss_username)] * 30 for info in (a, b, a, b)]
        threads, out = _run_clients(port, clients)
        most = 0
        while any(t.is_alive() for t in threads):
            most = max(most, server_connections(app))
            time.sleep(0.05)
        for t in threads:
            t.join()
        assert len(out) == 120
        assert [row for row in out if row[3:] != row[1:3]] == []  # every request answered, by its own company
        assert 1 <= most <= 3, most
        assert server_connections(app) <= 3  # and no more are left open after the load


@pytest.mark.live
def test_a_pooled_connection_never_carries_one_companys_schema_into_anothers_request(tokens, tenant_a, tenant_b):
    """One pooled connection serves both companies in turn: a request on B's host with A's token
    would find A's token (and answer as A's Boss) if A's search_path were still set."""
    app = f"crm-pool-{uuid.uuid4().hex[:8]}"
    a, b = tenant_a, tenant_b
    mixed = [(a.host, tokens[a.schema], 200, a.boss_username), (b.host, tokens[a.schema], 401, None),
             (b.host, tokens[b.schema], 200, b.boss_username), (a.host, tokens[b.schema], 401, None)]
    with uvicorn(PGAPPNAME=app, DATABASE_POOL_MAX_SIZE="1", DATABASE_POOL_MIN_SIZE="1") as port:
        threads, out = _run_clients(port, [mixed * 8, list(reversed(mixed)) * 8])
        for t in threads:
            t.join()
        assert server_connections(app) == 1  # the same connection served them all
    assert len(out) == 64
    assert [row for row in out if row[3:] != row[1:3]] == []


@pytest.mark.live
def test_a_connection_given_back_to_the_pool_forgets_its_search_path(live_db, tenant_a, tenant_b):
    from django.db import connections

    conn = connections["default"]
    assert conn.pool is not None  # the settings' pool, as every process has it
    conn.set_schema(tenant_a.schema)
    with conn.cursor() as cursor:
        cursor.execute("SELECT current_schemas(false)")
        assert cursor.fetchone()[0] == [tenant_a.schema, "public"]
    raw = conn.connection
    conn.close()  # back to the pool: reset there
    deadline = time.monotonic() + 10
    pooled = conn.pool.getconn(timeout=10)
    try:
        while pooled is not raw and time.monotonic() < deadline:  # the reset runs in the pool's worker
            conn.pool.putconn(pooled)
            time.sleep(0.05)
            pooled = conn.pool.getconn(timeout=10)
        assert pooled is raw  # the very connection that was in tenant A
        assert pooled.execute("SHOW search_path").fetchone()[0] == '"$user", public'
    finally:
        conn.pool.putconn(pooled)
    conn.set_schema(tenant_b.schema)
    with conn.cursor() as cursor:
        cursor.execute("SELECT current_schemas(false)")
        assert cursor.fetchone()[0] == [tenant_b.schema, "public"]
    conn.set_schema_to_public()
