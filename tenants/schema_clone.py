"""Copy the migrated template schema into a new tenant schema, in the caller's transaction.

Replaying the whole migration history per signup takes many seconds; cloning the template
takes a fraction of one. The copy keeps every table, column default, identity sequence,
check/unique/primary/foreign key, index (with its original name, so later migrations that
name an index still apply), trigger, view and function, plus the template's rows (the
migration records and seeded data).

The DDL is read from the catalogue once per process and per template migration state, then
replayed as one batch for each new schema.
"""

from __future__ import annotations

import threading

from django.db import connection
from psycopg import sql

_cache: dict[tuple[str, int], str] = {}
_lock = threading.Lock()


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


def _build_script(template: str) -> str:
    """The statements that recreate ``template`` inside the schema on the search path.

    The catalogue is read with ``search_path`` set to the template alone, so pg_get_*def()
    leave the template's own objects unqualified (they then resolve to the new schema) and
    qualify everything elsewhere (``public``) explicitly.
    """
    tpl = _q(template)
    out: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL search_path TO {_q(template)}")
        cursor.execute(
            """
            SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname
            """,
            [template],
        )
        tables = cursor.fetchall()
        for _oid, table in tables:
            out.append(
                f"CREATE TABLE {_q(table)} (LIKE {tpl}.{_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                "INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)"
            )
        # Rows, then identity sequences moved past the copied ids.
        for oid, table in tables:
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
                out.append(f"INSERT INTO {_q(table)} ({cols}) OVERRIDING SYSTEM VALUE SELECT {cols} FROM {tpl}.{_q(table)}")
                for name, identity in columns:
                    if identity:
                        out.append(
                            f"SELECT setval(pg_get_serial_sequence('{_q(table)}', '{name}'), "
                            f"coalesce((SELECT max({_q(name)}) FROM {_q(table)}), 0) + 1, false)"
                        )
        # Primary, unique and exclusion constraints, then the other indexes, then foreign keys.
        cursor.execute(
            """
            SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND con.contype IN ('p', 'u', 'x', 'f')
            ORDER BY CASE con.contype WHEN 'f' THEN 1 ELSE 0 END, c.relname, con.conname
            """,
            [template],
        )
        constraints = cursor.fetchall()
        for table, name, kind, definition in constraints:
            if kind != "f":
                out.append(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
        cursor.execute(
            """
            SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s
              AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [template],
        )
        # pg_get_indexdef / pg_get_triggerdef always qualify the table; point them at the new schema.
        out.extend(_unqualify_table(row[0], template) for row in cursor.fetchall())
        out.extend(
            f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}"
            for table, name, kind, definition in constraints
            if kind == "f"
        )
        # Functions, views and triggers (for example history triggers), if the template has any.
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
            out.append(definition)
        cursor.execute(
            """
            SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'v' ORDER BY c.oid
            """,
            [template],
        )
        out.extend(f"CREATE VIEW {_q(name)} AS {definition}" for name, definition in cursor.fetchall())
        cursor.execute(
            """
            SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal
            ORDER BY t.tgname
            """,
            [template],
        )
        out.extend(_unqualify_table(row[0], template) for row in cursor.fetchall())
        cursor.execute("SET LOCAL search_path TO public")
    return ";\n".join(out) + ";"


def clone_schema(template: str, new_schema: str) -> None:
    """Create ``new_schema`` as a copy of ``template``; must run inside a transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("clone_schema must run inside transaction.atomic()")
    connection.set_schema_to_public()
    key = (template, _template_state(template))
    with _lock:
        script = _cache.get(key)
        if script is None:
            script = _cache[key] = _build_script(template)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {_q(new_schema)}")
        cursor.execute(f"SET LOCAL search_path TO {_q(new_schema)}, public")
        cursor.execute(script)
        cursor.execute("SET LOCAL search_path TO public")
    # django-tenants remembers which search_path it set last; make it set it again.
    connection.set_schema_to_public()
