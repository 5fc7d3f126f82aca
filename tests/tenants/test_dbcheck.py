"""Start-up refuses a PostgreSQL whose lock table is below what signups are designed for."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tenants import dbcheck
from tests.conftest import child_env


def test_this_server_fits_the_design(db):
    found = dbcheck.server_settings()
    assert found["max_locks_per_transaction"] >= 64
    assert dbcheck.problems(found) == []


@pytest.fixture(scope="module")
def small_lock_table_server(tmp_path_factory):
    """A real PostgreSQL (pgserver) configured below PostgreSQL's default lock table."""
    import logging

    import pgserver
    from pgserver._commands import pg_ctl

    logging.getLogger("pgserver").setLevel(logging.WARNING)
    server = pgserver.get_server(tmp_path_factory.mktemp("pg-small-locks") / "pgdata", cleanup_mode="stop")
    server.psql("ALTER SYSTEM SET max_locks_per_transaction = 32;")
    pg_ctl(["-w", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=60)
    yield server.get_uri("postgres")
    server.cleanup()


@pytest.mark.parametrize("command", [
    ["-m", "uvicorn", "saas_core.asgi:application", "--host", "127.0.0.1", "--port", "0"],
    ["-m", "celery", "-A", "saas_core", "worker", "--pool", "solo", "-l", "warning"],
], ids=["web", "worker"])
def test_web_and_worker_refuse_to_start_naming_the_fix(small_lock_table_server, command):
    result = subprocess.run([sys.executable, *command], capture_output=True, text=True, timeout=180,
                            env=child_env(DATABASE_URL=small_lock_table_server, LANGUAGE_CODE="en"))
    assert result.returncode != 0
    assert "max_locks_per_transaction is 32; this CRM needs at least 64" in result.stderr, result.stderr[-3000:]
    assert "restart PostgreSQL" in result.stderr
