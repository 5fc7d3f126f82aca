"""Wake-up marks of tenants with timed work (see models); plain SQL, called from any schema."""

from __future__ import annotations

from datetime import datetime

from django.db import connection

TABLE = "public.wakeups_wakeup"


def wake_at(schema_name: str, due_at: datetime) -> None:
    """``schema_name`` has work at ``due_at``: its mark moves earlier (never later), version + 1."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {TABLE} (schema_name, due_at, version) VALUES (%s, %s, 1)
                ON CONFLICT (schema_name) DO UPDATE
                SET due_at = LEAST(COALESCE({TABLE}.due_at, EXCLUDED.due_at), EXCLUDED.due_at),
                    version = {TABLE}.version + 1""",
            [schema_name, due_at],
        )


def version_of(schema_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {TABLE} WHERE schema_name = %s", [schema_name])
        row = cursor.fetchone()
    return row[0] if row else 0


def settle(schema_name: str, seen_version: int, next_due: datetime | None = None, *, next_due_sql: str = "") -> bool:
    """After a run that started at ``seen_version``: set the next due time (a value, or an SQL
    expression computed in the same statement), unless a wake-up was written meanwhile (then the
    mark stays as early as that write made it). Returns whether it was set."""
    value = f"({next_due_sql})" if next_due_sql else "%s"
    params = [schema_name, seen_version] if next_due_sql else [next_due, schema_name, seen_version]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET due_at = {value} WHERE schema_name = %s AND version = %s", params)
        return cursor.rowcount == 1


def due_schemas(now: datetime) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT schema_name FROM {TABLE} WHERE due_at <= %s ORDER BY due_at", [now])
        return [row[0] for row in cursor.fetchall()]
