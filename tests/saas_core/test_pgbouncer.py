"""The product behind a real PgBouncer (Debian's) in transaction pooling mode, on loopback.

The pool has one server connection, so two companies' requests take turns on the same PostgreSQL
session. With DATABASE_TRANSACTION_POOLING each statement carries its company's search_path in
its own transaction (saas_core.pgbouncer_backend); without it, django-tenants' session-level
``SET search_path`` is shared between them and one company reads the other's users, which the
second test shows happening (so the first is not passing by luck).
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import child_env, database_url_of_test_db, free_port

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
ROUNDS = "15"


@pytest.fixture
def pgbouncer(tmp_path, live_db) -> str:
    """A PgBouncer on a free loopback port in front of the test database: DATABASE_URL for it."""
    params = connection.get_connection_params()
    tmp_path.chmod(0o755)  # PgBouncer drops root privileges and must still read its files
    server = " ".join(f"{key}={params[key]}" for key in ("host", "port", "user", "password", "dbname")
                      if params.get(key) not in (None, ""))
    port = free_port()
    ini = tmp_path / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"crm = {server}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        "auth_type = any\n"
        "pool_mode = transaction\n"
        "default_pool_size = 1\nmin_pool_size = 0\nreserve_pool_size = 0\nmax_client_conn = 50\n"
        # Django asks for these at connect; PgBouncer would refuse an unknown startup parameter.
        "ignore_startup_parameters = extra_float_digits,options\n"
        "server_reset_query =\n"
    )
    ini.chmod(0o644)
    log = (tmp_path / "pgbouncer.log").open("wb")
    cmd = [PGBOUNCER, str(ini)]
    if os.geteuid() == 0:
        cmd[1:1] = ["-u", _pgbouncer_user(params.get("host") or "")]  # PgBouncer refuses to run as root
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"pgbouncer did not start: {(tmp_path / 'pgbouncer.log').read_text()}")
            time.sleep(0.1)
    yield f"postgres://{params.get('user') or 'postgres'}@127.0.0.1:{port}/crm"
    proc.terminate()
    proc.wait(timeout=10)


def _pgbouncer_user(host: str) -> str:
    """Whom a root-started PgBouncer runs as: the embedded server (saas_core.embedded) listens on a
    Unix socket in its data folder, which only the server's own user may enter, so PgBouncer runs
    as that user; a server on TCP is reached as Debian's ``postgres``."""
    if host.startswith("/"):
        return pwd.getpwuid(Path(host).stat().st_uid).pw_name
    return "postgres"


def _probe(database_url: str, tenant_a, tenant_b, **env: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "tests.saas_core.pgbouncer_probe", tenant_a.schema, tenant_b.schema, ROUNDS],
        env=child_env(DATABASE_URL=database_url, DATABASE_POOL_MAX_SIZE="0", SENTRY_DSN="", **env),
        capture_output=True, text=True, timeout=600, cwd=Path(__file__).resolve().parents[2],
    )
    assert out.returncode == 0, out.stderr[-4000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.live
def test_two_companies_interleaved_on_one_server_connection_each_see_only_their_own(pgbouncer, tenant_a, tenant_b):
    result = _probe(pgbouncer, tenant_a, tenant_b, DATABASE_TRANSACTION_POOLING="true")
    assert result == {"wrong": {tenant_a.schema: [], tenant_b.schema: []}, "errors": []}


@pytest.mark.live
def test_without_the_setting_a_company_reads_another_companys_rows(pgbouncer, tenant_a, tenant_b):
    result = _probe(pgbouncer, tenant_a, tenant_b, DATABASE_TRANSACTION_POOLING="false")
    assert result["wrong"][tenant_a.schema] or result["wrong"][tenant_b.schema], result


def _run(module: str, args: list[str], database_url: str, **env: str):
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env=child_env(DATABASE_URL=database_url, DATABASE_POOL_MAX_SIZE="0", SENTRY_DSN="",
                      DATABASE_TRANSACTION_POOLING="true",
                      EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", **env),
        capture_output=True, text=True, timeout=600, cwd=Path(__file__).resolve().parents[2],
    )


def _show_synchronous_commit(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute("SHOW synchronous_commit").fetchone()[0]


@pytest.mark.live
def test_a_signup_and_a_reminder_through_the_pooler_work_and_leave_no_session_state(pgbouncer):
    """Signup's session locks go over DATABASE_DIRECT_URL (not the one pooled server connection,
    where they would stick for other clients); the reminder's relaxed commit is SET LOCAL."""
    direct = database_url_of_test_db()
    out = _run("tests.saas_core.pgbouncer_flows_probe", ["pooled-co"], pgbouncer, DATABASE_DIRECT_URL=direct)
    assert out.returncode == 0, out.stderr[-4000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"schema": result["schema"], "status": "trialing", "sent": 1,
                      "between": ["on"], "to": [["boss@pooled-co.example.com"]]}
    # Another client on the same (only) server connection: no lock of the signup, no relaxed commit.
    import psycopg

    assert _show_synchronous_commit(pgbouncer) == "on"
    with psycopg.connect(pgbouncer, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                            "AND pid = pg_backend_pid()").fetchone()[0] == 0


@pytest.mark.live
def test_behind_the_pooler_without_a_direct_url_a_signup_is_refused_naming_the_setting(pgbouncer):
    out = _run("tests.saas_core.pgbouncer_flows_probe", ["nodirect-co"], pgbouncer, DATABASE_DIRECT_URL="")
    assert out.returncode != 0
    assert "DATABASE_DIRECT_URL" in out.stderr
