"""Copy the migrated template schema into a new tenant schema, in small transactions.

Replaying the whole migration history per signup takes many seconds; cloning the template
takes a fraction of one. The copy keeps every table, column default, identity sequence,
check/unique/primary/foreign key, index (with its original name, so later migrations that
name an index still apply), trigger, view and function, plus the template's rows (the
migration records and seeded data).

Why steps: every object a transaction creates or reads stays locked until it commits, and
PostgreSQL's shared lock table holds ``max_locks_per_transaction`` × ``max_connections`` locks
(64 × 100 on a stock server). The whole clone locks about 2,000 objects, so a few concurrent
signups in one transaction each ran it out ("out of shared memory"). The clone is therefore
cut into steps that each lock at most ``STEP_LOCK_BUDGET`` objects, within one connection's
share of the table, and each step commits (or is a savepoint inside a caller's transaction).
A half-made schema is hidden by the tenant's ``provisioning`` state (tenants.provisioning).

The statements are read from the catalogue once per process and per template migration state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from psycopg import sql

# PostgreSQL's default max_locks_per_transaction; the server must have at least this much
# (tenants.dbcheck). A step's estimate counts every relation it touches, so it stays under it.
MIN_LOCKS_PER_TRANSACTION = 64
STEP_LOCK_BUDGET = 48

_cache: dict[tuple[str, int], list[Step]] = {}
_lock = threading.Lock()


@dataclass
class Step:
    """Statements run in one transaction, and the number of objects they are expected to lock."""

    statements: list[str] = field(default_factory=list)
    locks: int = 0


def _q(name: str) -> str:
    """A quoted identifier as plain text (Django's query logging wants strings, not Composed)."""
    return sql.Identifier(name).as_string(None)


def _unqualify_table(definition: str, template: str) -> str:
    for name in {template, _q(template)}:
        for keyword in (" ON ONLY ", " ON "):
            definition = definition.replace(f"{keyword}{name}.", keyword, 1)
    return definition


def _template_state(template: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {_q(template)}.django_migrations")
        return cursor.fetchone()[0]


def _pack(units: list[tuple[list[str], int]], budget: int = STEP_LOCK_BUDGET) -> list[Step]:
    """Consecutive units (statements that belong together, their lock estimate) into steps."""
    steps: list[Step] = []
    for statements, locks in units:
        if not statements:
            continue
        if not steps or steps[-1].locks + locks > budget:
            steps.append(Step())
        steps[-1].statements.extend(statements)
        steps[-1].locks += locks
    return steps


class _Catalogue:
    """What the estimates need about the template's tables: indexes, TOAST, sequences."""

    def __init__(self, cursor, schema: str):
        cursor.execute(
            """
            SELECT c.relname, c.reltoastrelid <> 0,
                   (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid),
                   (SELECT count(*) FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
                    WHERE d.refobjid = c.oid AND s.relkind = 'S')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
            """,
            [schema],
        )
        self.tables = {name: (toast, indexes, sequences) for name, toast, indexes, sequences in cursor.fetchall()}

    def table_locks(self, table: str, *, with_indexes: bool = True) -> int:
        """The table, its TOAST table and index, its sequences and (when asked) its indexes."""
        toast, indexes, sequences = self.tables.get(table, (True, 0, 0))
        return 1 + 2 * toast + sequences + (indexes if with_indexes else 0)


# Locks a statement takes besides relations (its namespace, types, functions it names).
_PER_STATEMENT = 2


def _build_steps(template: str) -> list[Step]:
    """The steps that recreate ``template`` inside the schema on the search path.

    The catalogue is read with ``search_path`` set to the template alone, so pg_get_*def()
    leave the template's own objects unqualified (they then resolve to the new schema) and
    qualify everything elsewhere (``public``) explicitly.
    """
    tpl = _q(template)
    units: list[tuple[list[str], int]] = []
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL search_path TO {_q(template)}")
        cat = _Catalogue(cursor, template)
        # Functions first: triggers name them (plpgsql bodies are not resolved until they run).
        cursor.execute(
            """
            SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = %s AND p.prokind IN ('f', 'p') ORDER BY p.proname
            """,
            [template],
        )
        # pg_get_functiondef always qualifies the function's own name; drop the template's.
        for (definition,) in cursor.fetchall():
            for prefix in (f"FUNCTION {template}.", f"FUNCTION {tpl}.", f"PROCEDURE {template}.", f"PROCEDURE {tpl}."):
                definition = definition.replace(prefix, prefix.split(" ")[0] + " ", 1)
            units.append(([definition], _PER_STATEMENT))

        cursor.execute(
            """
            SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname
            """,
            [template],
        )
        tables = cursor.fetchall()
        cursor.execute(
            """
            SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),
                   (SELECT p.relname FROM pg_class p WHERE p.oid = con.confrelid)
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND con.contype IN ('p', 'u', 'x', 'f')
            ORDER BY c.relname, con.conname
            """,
            [template],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s
              AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
            ORDER BY 2
            """,
            [template],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal
            ORDER BY t.tgname
            """,
            [template],
        )
        triggers = cursor.fetchall()

        # Per table: the table and its rows (reading the template's table plans over its indexes) ...
        for oid, table in tables:
            statements = [
                f"CREATE TABLE {_q(table)} (LIKE {tpl}.{_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                "INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)"
            ]
            cursor.execute(
                """
                SELECT attname, attidentity FROM pg_attribute
                WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
                ORDER BY attnum
                """,
                [oid],
            )
            columns = cursor.fetchall()
            cols = ", ".join(_q(name) for name, _ in columns)
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {tpl}.{_q(table)})")
            if cursor.fetchone()[0]:
                statements.append(
                    f"INSERT INTO {_q(table)} ({cols}) OVERRIDING SYSTEM VALUE SELECT {cols} FROM {tpl}.{_q(table)}")
                # Identity sequences moved past the copied ids.
                statements.extend(
                    f"SELECT setval(pg_get_serial_sequence('{_q(table)}', '{name}'), "
                    f"coalesce((SELECT max({_q(name)}) FROM {_q(table)}), 0) + 1, false)"
                    for name, identity in columns if identity
                )
            locks = cat.table_locks(table, with_indexes=False) + cat.table_locks(table)
            units.append((statements, locks + _PER_STATEMENT * len(statements)))
        # ... then its keys, indexes and triggers (the new table and its new indexes).
        for _oid, table in tables:
            statements = [f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}"
                          for owner, name, kind, definition, _ref in constraints if owner == table and kind != "f"]
            # pg_get_indexdef / pg_get_triggerdef always qualify the table; point them at the new schema.
            statements += [_unqualify_table(definition, template) for owner, definition in indexes if owner == table]
            statements += [_unqualify_table(definition, template) for owner, definition in triggers if owner == table]
            units.append((statements, cat.table_locks(table) + _PER_STATEMENT * len(statements)))
        # Foreign keys last, one by one: each locks both tables and plans its check over both
        # tables' indexes.
        for owner, name, kind, definition, ref in constraints:
            if kind == "f":
                locks = cat.table_locks(owner) + (cat.table_locks(ref) if ref != owner else 0)
                units.append(([f"ALTER TABLE {_q(owner)} ADD CONSTRAINT {_q(name)} {definition}"],
                              locks + _PER_STATEMENT))
        cursor.execute(
            """
            SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'v' ORDER BY c.oid
            """,
            [template],
        )
        for name, definition in cursor.fetchall():
            units.append(([f"CREATE VIEW {_q(name)} AS {definition}"], STEP_LOCK_BUDGET // 2))
        cursor.execute("SET LOCAL search_path TO public")
    return _pack(units)


def clone_steps(template: str) -> list[Step]:
    """The steps for ``template`` in its current migration state (read once per process)."""
    with transaction.atomic():
        key = (template, _template_state(template))
        with _lock:
            steps = _cache.get(key)
            if steps is None:
                steps = _cache[key] = _build_steps(template)
    return steps


def run_step(schema: str, statements: list[str]) -> None:
    """One step in its own transaction (a savepoint inside a caller's) with ``schema`` first on
    the search path; a failure rolls the step back whole."""
    with transaction.atomic(), connection.cursor() as cursor:
        # The step that makes the workspace ready commits synchronously, and WAL is flushed
        # in order, so these steps are durable by then; until then nothing shows them.
        cursor.execute("SET LOCAL synchronous_commit TO off")
        cursor.execute(f"SET LOCAL search_path TO {_q(schema)}, public")
        cursor.execute(";\n".join(statements))
        cursor.execute("SET LOCAL search_path TO public")
    # django-tenants remembers which search_path it set last; make it set it again.
    connection.set_schema_to_public()


def clone_schema(template: str, new_schema: str, *, run: Callable[[str, list[str]], None] = run_step) -> None:
    """Fill the existing, empty ``new_schema`` with a copy of ``template``, step by step.

    ``run`` executes one step (tenants.provisioning passes one that retries a step the server
    refused for lack of lock space)."""
    connection.set_schema_to_public()
    for step in clone_steps(template):
        run(new_schema, step.statements)


def drop_steps(schema: str) -> list[Step]:
    """Drop the tables of ``schema`` as it is now in steps within the lock budget: first the
    foreign keys (a cascading drop would lock every table on the other side of them at once),
    then each table."""
    with connection.cursor() as cursor:
        cat = _Catalogue(cursor, schema)
        cursor.execute(
            """
            SELECT c.relname, con.conname, (SELECT p.relname FROM pg_class p WHERE p.oid = con.confrelid)
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND con.contype = 'f' ORDER BY 1, 2
            """,
            [schema],
        )
        keys = cursor.fetchall()
    units = [([f"ALTER TABLE {_q(table)} DROP CONSTRAINT IF EXISTS {_q(name)}"],
              cat.table_locks(table, with_indexes=False) + cat.table_locks(ref, with_indexes=False) + _PER_STATEMENT)
             for table, name, ref in keys]
    # Dropping a table also locks each object that goes with it (constraints, defaults, its
    # row type, triggers): about as many again as its relations.
    units += [([f"DROP TABLE IF EXISTS {_q(table)} CASCADE"], 2 * cat.table_locks(table) + _PER_STATEMENT)
              for table in sorted(cat.tables)]
    return _pack(units)


def empty_schema(schema: str, *, run: Callable[[str, list[str]], None] = run_step) -> None:
    """Drop the tables of ``schema`` step by step, so that dropping the schema itself (its
    functions and types are left) locks few objects."""
    connection.set_schema_to_public()
    for step in drop_steps(schema):
        run(schema, step.statements)


def drop_schema(schema: str, *, run: Callable[[str, list[str]], None] = run_step) -> None:
    """Drop ``schema`` and everything in it, within the lock budget per transaction."""
    from django_tenants.utils import schema_exists

    if not schema_exists(schema):
        return
    empty_schema(schema, run=run)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {_q(schema)} CASCADE")
