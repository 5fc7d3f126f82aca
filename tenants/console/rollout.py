"""Upgrade rollout status: which companies' schemas lag behind the template's migrations.

New workspaces are clones of ``tenant_template`` (migrated first by ``crm migrate``), so the
template's ``django_migrations`` is the target. The figures for a page of companies come from
one UNION ALL query over their schemas' ``django_migrations`` (never one query per company);
the "behind only" view runs the same query over all companies in chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection

CHUNK = 400
_SCHEMA = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class SchemaStatus:
    schema: str
    applied: int
    missing: int  # template migrations not applied here
    extra: int  # applied here but unknown to the template
    latest: datetime | None

    @property
    def behind(self) -> bool:
        return self.missing > 0


def _quoted(schema: str) -> str:
    if not _SCHEMA.fullmatch(schema):
        raise ValueError(f"unexpected schema name {schema!r}")
    return f'"{schema}"'


def existing_schemas(schemas: list[str]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [list(schemas)])
        return {row[0] for row in cursor.fetchall()}


def template_migrations() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {_quoted(settings.TEMPLATE_SCHEMA_NAME)}.django_migrations "
                       "ORDER BY applied, id")
        return cursor.fetchall()


def statuses(schemas: list[str]) -> dict[str, SchemaStatus]:
    """Applied, missing and extra migrations per schema (schemas that no longer exist are left out)."""
    found: dict[str, SchemaStatus] = {}
    present = existing_schemas(schemas) if schemas else set()
    wanted = [s for s in dict.fromkeys(schemas) if s in present]
    template = _quoted(settings.TEMPLATE_SCHEMA_NAME)
    for start in range(0, len(wanted), CHUNK):
        parts, params = [], []
        for schema in wanted[start:start + CHUNK]:
            mine = f"{_quoted(schema)}.django_migrations"
            parts.append(
                f"SELECT %s, (SELECT count(*) FROM {mine}),"
                f" (SELECT count(*) FROM {template}.django_migrations t WHERE NOT EXISTS"
                f"  (SELECT 1 FROM {mine} m WHERE m.app = t.app AND m.name = t.name)),"
                f" (SELECT count(*) FROM {mine} m WHERE NOT EXISTS"
                f"  (SELECT 1 FROM {template}.django_migrations t WHERE m.app = t.app AND m.name = t.name)),"
                f" (SELECT max(applied) FROM {mine})"
            )
            params.append(schema)
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for schema, applied, missing, extra, latest in cursor.fetchall():
                found[schema] = SchemaStatus(schema, applied, missing, extra, latest)
    return found


def missing_in(schema: str) -> list[tuple[str, str]]:
    """The template's migrations this schema has not applied, in the template's order."""
    if schema not in existing_schemas([schema]):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.app, t.name FROM {_quoted(settings.TEMPLATE_SCHEMA_NAME)}.django_migrations t "
            f"WHERE NOT EXISTS (SELECT 1 FROM {_quoted(schema)}.django_migrations m "
            "WHERE m.app = t.app AND m.name = t.name) ORDER BY t.applied, t.id")
        return cursor.fetchall()
