"""At start-up (``crm run``, the web app, a Celery worker, ``crm migrate``): do the database
settings and PostgreSQL fit the design?

Signup clones the template schema in steps of at most ``schema_clone.STEP_LOCK_BUDGET``
locks, sized so that each connection stays within its share of PostgreSQL's shared lock table
(``max_locks_per_transaction`` per connection). A server configured below PostgreSQL's default
would run out of lock space ("out of shared memory") with a few signups at once, so a process
refuses to start on it, naming the fix. Likewise transaction pooling without DATABASE_DIRECT_URL:
it would work until the first signup or deploy, which then fail.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from tenants.schema_clone import MIN_LOCKS_PER_TRANSACTION

log = logging.getLogger(__name__)


def server_settings() -> dict[str, int]:
    """The server's lock-table settings, read over a connection of its own (not the pool's:
    a Celery worker must not open the pool before it forks its children)."""
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True, connect_timeout=10) as conn:
        row = conn.execute(
            "SELECT current_setting('max_locks_per_transaction')::int, current_setting('max_connections')::int, "
            "current_setting('max_prepared_transactions')::int"
        ).fetchone()
    return dict(zip(("max_locks_per_transaction", "max_connections", "max_prepared_transactions"), row, strict=True))


def problems(found: dict[str, int]) -> list[str]:
    """What is too low for the design, each with its fix."""
    if found["max_locks_per_transaction"] < MIN_LOCKS_PER_TRANSACTION:
        return [_(
            "PostgreSQL's max_locks_per_transaction is %(found)d; this CRM needs at least %(needed)d (signups "
            "clone the template schema in steps of up to %(needed)d locks each). Set max_locks_per_transaction "
            "= %(needed)d or more in postgresql.conf (or ALTER SYSTEM SET max_locks_per_transaction = %(needed)d) "
            "and restart PostgreSQL."
        ) % {"found": found["max_locks_per_transaction"], "needed": MIN_LOCKS_PER_TRANSACTION}]
    return []


def configuration_problems() -> list[str]:
    """What is missing from the database settings themselves (checked before connecting)."""
    from django.conf import settings

    if settings.DATABASE_TRANSACTION_POOLING and not settings.DATABASE_DIRECT_URL:
        return [_(
            "DATABASE_TRANSACTION_POOLING is on but DATABASE_DIRECT_URL is not set. Behind a PgBouncer in "
            "transaction pooling mode, signups and crm migrate hold session locks and run migrations on a "
            "connection straight to PostgreSQL. Set DATABASE_DIRECT_URL to the PostgreSQL server's own URL "
            "(not PgBouncer's), e.g. postgres://crm:PASSWORD@postgres:5432/crm (Helm: secrets.databaseDirectUrl), "
            "or set DATABASE_TRANSACTION_POOLING=false if DATABASE_URL is not a transaction-pooling PgBouncer."
        )]
    return []


def require_configuration(process: str) -> None:
    """Refuse to start ``process`` with database settings that cannot work (ImproperlyConfigured)."""
    for problem in configuration_problems():
        log.error("%s refuses to start: %s", process, problem)
        raise ImproperlyConfigured(problem)


def require_fitting_server(process: str) -> None:
    """Refuse to start ``process`` with incomplete database settings or on a server below the
    design's needs (ImproperlyConfigured)."""
    require_configuration(process)
    found = server_settings()
    log.info("PostgreSQL lock table for %s: %s", process, found)
    for problem in problems(found):
        log.error("%s refuses to start: %s", process, problem)
        raise ImproperlyConfigured(problem)
