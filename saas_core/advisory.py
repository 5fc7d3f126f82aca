"""Session advisory locks held on a direct connection to PostgreSQL (DATABASE_DIRECT_URL).

Some locks must outlive a transaction: a signup marks its company "being prepared" from the
claim until the company is ready (several transactions: the sweeper must tell a live signup
from a dead one), holds the template's shared lock across the clone, and ``crm migrate`` holds
its rollout lock for minutes. ``pg_advisory_xact_lock`` cannot span those transactions, so they
stay session locks, on a connection of their own:

- behind a PgBouncer in transaction pooling mode a session lock taken through the pooler would
  stick to whichever server connection ran it, be held for (and released by) other clients, and
  "unlock" would run elsewhere. DATABASE_DIRECT_URL names PostgreSQL itself (not the pooler);
  with DATABASE_TRANSACTION_POOLING it is required, and its absence is an error naming it;
- a lock on its own connection is released by PostgreSQL when the process dies (the socket
  closes), which is what the signup sweeper relies on, and does not depend on Django closing or
  resetting its connection (django-tenants' migrate reopens it, the pool resets it).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection


def direct_connection(purpose: str):
    """A new autocommit psycopg connection straight to PostgreSQL, named for pg_stat_activity."""
    import psycopg

    name = f"crm {purpose} {socket.gethostname()}:{os.getpid()}"[:63]
    url = settings.DATABASE_DIRECT_URL
    if url:
        return psycopg.connect(url, autocommit=True, connect_timeout=10, application_name=name)
    if settings.DATABASE_TRANSACTION_POOLING:
        raise ImproperlyConfigured(
            "DATABASE_TRANSACTION_POOLING is on but DATABASE_DIRECT_URL is not set: session locks "
            "(signup, crm migrate) need a connection straight to PostgreSQL, not through PgBouncer. "
            "Set DATABASE_DIRECT_URL to the PostgreSQL server's URL.")
    params = connection.get_connection_params()
    return psycopg.connect(**params, autocommit=True, connect_timeout=10, application_name=name)


class LockSession:
    """Session advisory locks on one direct connection, opened at the first lock; closing it
    (the end of the ``with`` block) releases every lock it holds."""

    def __init__(self, purpose: str) -> None:
        self.purpose = purpose
        self._conn = None

    @property
    def conn(self):
        if self._conn is None:
            self._conn = direct_connection(self.purpose)
        return self._conn

    def _call(self, fn: str, key1: int, key2: int | str):
        # A name (a schema's) is keyed by PostgreSQL's hashtext, as the other holders key it.
        arg = "hashtext(%s)" if isinstance(key2, str) else "%s"
        return self.conn.execute(f"SELECT {fn}(%s, {arg})", [key1, key2]).fetchone()[0]

    def lock(self, key1: int, key2: int | str, *, shared: bool = False) -> None:
        """Wait for the lock (shared or exclusive) on (key1, key2)."""
        self._call("pg_advisory_lock_shared" if shared else "pg_advisory_lock", key1, key2)

    def try_lock(self, key1: int, key2: int | str) -> bool:
        return bool(self._call("pg_try_advisory_lock", key1, key2))

    def unlock(self, key1: int, key2: int | str, *, shared: bool = False) -> None:
        self._call("pg_advisory_unlock_shared" if shared else "pg_advisory_unlock", key1, key2)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


@contextmanager
def lock_session(purpose: str) -> Iterator[LockSession]:
    session = LockSession(purpose)
    try:
        yield session
    finally:
        session.close()
