"""Cloning and dropping a workspace schema in steps that fit a stock PostgreSQL's lock table."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from tenants import schema_clone


def _locks_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()")
        return cursor.fetchone()[0]


def _run_measured(schema: str, statements: list[str], seen: list[int]) -> None:
    """The production step, with the locks its transaction holds counted before it ends."""
    with transaction.atomic():
        schema_clone.run_step(schema, statements)
        seen.append(_locks_held())


@pytest.mark.live  # each step commits, as in production
def test_every_clone_and_drop_step_stays_within_a_stock_servers_share_of_locks(live_db):
    with transaction.atomic():  # what counting alone holds
        baseline = _locks_held()
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "t_lock_probe"')
    clone, drop = [], []
    schema_clone.clone_schema(settings.TEMPLATE_SCHEMA_NAME, "t_lock_probe",
                              run=lambda schema, statements: _run_measured(schema, statements, clone))
    steps = schema_clone.clone_steps(settings.TEMPLATE_SCHEMA_NAME)
    assert len(clone) == len(steps) > 10
    # A one-transaction clone took ~2,000 locks; each step now fits one connection's share.
    assert max(clone) - baseline <= schema_clone.MIN_LOCKS_PER_TRANSACTION, clone
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 't_lock_probe'")
        assert cursor.fetchone()[0] > 300  # tables, indexes and sequences: a real copy
    schema_clone.drop_schema("t_lock_probe", run=lambda schema, statements: _run_measured(schema, statements, drop))
    assert not schema_exists("t_lock_probe")
    assert drop and max(drop) - baseline <= schema_clone.MIN_LOCKS_PER_TRANSACTION, drop
