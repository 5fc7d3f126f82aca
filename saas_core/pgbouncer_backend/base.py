"""django-tenants' backend for a PgBouncer in transaction pooling mode (DATABASE_TRANSACTION_POOLING).

In transaction pooling a client holds a server connection only for one transaction; the next
transaction may run on a server connection another client (another company's request) used just
before. django-tenants issues a session-level ``SET search_path`` when a cursor is taken and
trusts it afterwards; behind such a pooler that setting stays on a server connection other clients
then get, and this client's next statement may run under someone else's search_path: one
company reading or writing another's tables.

Here no session state is relied on. Every statement runs in a transaction that first sets the
company's path with ``SET LOCAL`` (which ends with the transaction):

- inside ``transaction.atomic()``: once per transaction (again if the schema changes in it, or
  after a savepoint rollback, which undoes a SET LOCAL issued after the savepoint);
- in autocommit: the statement is wrapped in its own BEGIN … COMMIT with the SET LOCAL.

Settings that go with it (saas_core.settings): DISABLE_SERVER_SIDE_CURSORS (a named cursor
outlives its transaction), no automatically prepared statements (psycopg's are per session), no
``options`` startup parameter (PgBouncer 1.18 refuses it).
"""

from __future__ import annotations

from typing import Any

from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django_tenants.postgresql_backend import base as tenants_base
from django_tenants.utils import get_public_schema_name, quote_schema_name


class _ScopedMixin:
    """Runs each statement under the connection's current company path, transaction-scoped."""

    db: DatabaseWrapper
    cursor: Any

    def _scoped(self, run):
        db = self.db
        statement = db.search_path_statement()
        if not db.get_autocommit():
            if db.transaction_search_path != statement:
                self.cursor.execute(statement)
                db.transaction_search_path = statement
            return run()
        with db.connection.transaction():
            self.cursor.execute(statement)
            return run()

    def execute(self, sql, params=None):
        return self._scoped(lambda: super(_ScopedMixin, self).execute(sql, params))

    def executemany(self, sql, param_list):
        return self._scoped(lambda: super(_ScopedMixin, self).executemany(sql, param_list))

    def callproc(self, procname, params=None, kparams=None):
        return self._scoped(lambda: super(_ScopedMixin, self).callproc(procname, params, kparams))


class ScopedCursorWrapper(_ScopedMixin, CursorWrapper):
    pass


class ScopedCursorDebugWrapper(_ScopedMixin, CursorDebugWrapper):
    pass


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        # The SET LOCAL issued in the current transaction (None: none yet).
        self.transaction_search_path: str | None = None
        super().__init__(*args, **kwargs)

    def search_path_statement(self) -> str:
        paths = self._get_cursor_search_paths() if self.schema_name else [get_public_schema_name()]
        return "SET LOCAL search_path = " + ",".join(quote_schema_name(p) for p in paths)

    def _handle_search_path(self, cursor=None):
        """No session-level SET: each statement carries its own (see the module docstring)."""

    def make_cursor(self, cursor):
        return ScopedCursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return ScopedCursorDebugWrapper(cursor, self)

    def _forget_transaction_path(self) -> None:
        self.transaction_search_path = None

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._forget_transaction_path()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._forget_transaction_path()

    def _savepoint_rollback(self, sid):
        try:
            return super()._savepoint_rollback(sid)
        finally:
            self._forget_transaction_path()

    def _set_autocommit(self, autocommit):
        self._forget_transaction_path()
        super()._set_autocommit(autocommit)
        if not autocommit:
            # transaction.atomic() begins: set the path at once, so statements sent on the raw
            # psycopg cursor (COPY in imports and bulk edits) run under it too.
            statement = self.search_path_statement()
            with self.connection.cursor() as cursor:
                cursor.execute(statement)
            self.transaction_search_path = statement

    def close(self):
        self._forget_transaction_path()
        super().close()
