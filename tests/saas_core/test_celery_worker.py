"""A real Celery worker on the real Redis runs every task in the schema of the tenant that sent it.

Why a real worker: tenant_schemas_celery puts the sender's schema into a message header and a
``task_prerun`` handler in the *worker process* switches the connection to it. An eager
``task.apply()`` runs in the test process, on the test's own connection, and would pass even if
the header never reached the broker. So these tests start ``celery -A saas_core worker`` as a
subprocess on the pytest test database (conftest's ``child_env``), send the product's own task
``purge_login_log`` through Redis, and look at which schema's rows it deleted.

Isolation from other runs sharing the Redis: the worker consumes only a queue whose name is
unique to this test module run, and all broker keys live under a unique ``global_keyprefix``
(see tests/saas_core/worker_settings.py). The data is committed (``live_db``) because the
worker has its own connection; every row the tests create carries a unique user name and is
deleted afterwards.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from saas_core.accounts.models import LoginAttempt
from saas_core.accounts.tasks import purge_login_log, purge_login_log_all_tenants
from tests.conftest import in_tenant
from tests.workers import forget_keys, routing, start_worker

# Committed data through ``live_db``: the worker is another process and must see it.
pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, tmp_path_factory):
    """``python -m celery -A saas_core worker --pool solo`` on the test database and a private queue.

    Module-scoped: startup costs seconds, and it must stop before pytest-django drops the test
    database (which fails while the worker still holds connections to it).
    """
    queue, keyprefix = routing("worker")
    # The worker must purge with the retention this process computes "old" with.
    worker = start_worker(tmp_path_factory.mktemp("celery-worker"), queue, keyprefix,
                          LOGIN_LOG_RETENTION_DAYS=str(settings.LOGIN_LOG_RETENTION_DAYS))
    try:
        yield worker
    finally:
        worker.stop()
        forget_keys(keyprefix)


@pytest.fixture
def login_rows(live_db, tenant_a, tenant_b):
    """Committed login-log rows, old and recent, in tenants A and B and in ``public``.

    Returns ``count(schema, old)``, the number of this test's rows left there. The public rows
    catch a task that lost its tenant and ran against ``public`` instead.
    """
    marker = f"celery-test-{uuid.uuid4().hex[:10]}"
    now = timezone.now()
    old = now - timedelta(days=settings.LOGIN_LOG_RETENTION_DAYS + 30)
    recent = now - timedelta(days=1)
    schemas = [tenant_a.schema, tenant_b.schema, settings.PUBLIC_SCHEMA_NAME]

    def rows():
        return LoginAttempt.objects.filter(username=marker)

    for schema in schemas:
        with schema_context(schema):
            for at in (old, old - timedelta(days=1), recent):
                LoginAttempt.objects.create(at=at, username=marker, success=False, reason=LoginAttempt.Reason.BAD_PASSWORD)

    def count(schema: str, is_old: bool) -> int:
        cutoff = timezone.now() - timedelta(days=settings.LOGIN_LOG_RETENTION_DAYS)
        with schema_context(schema):
            return rows().filter(at__lt=cutoff).count() if is_old else rows().filter(at__gte=cutoff).count()

    for schema in schemas:
        assert (count(schema, True), count(schema, False)) == (2, 1)
    yield count
    for schema in schemas:
        with schema_context(schema):
            rows().delete()


def test_a_task_sent_from_tenant_a_runs_in_tenant_a_only(celery_worker, login_rows, tenant_a, tenant_b):
    """``purge_login_log`` sent inside A's schema purges A's old log, and nothing of B or public."""
    cutoff = timezone.now() - timedelta(days=settings.LOGIN_LOG_RETENTION_DAYS)
    with in_tenant(tenant_a):
        old_in_a = LoginAttempt.objects.filter(at__lt=cutoff).count()
        result = celery_worker.send(purge_login_log)

    deleted = celery_worker.result(result)

    assert deleted == old_in_a >= 2
    assert (login_rows(tenant_a.schema, True), login_rows(tenant_a.schema, False)) == (0, 1)
    assert (login_rows(tenant_b.schema, True), login_rows(tenant_b.schema, False)) == (2, 1)
    assert (login_rows(settings.PUBLIC_SCHEMA_NAME, True), login_rows(settings.PUBLIC_SCHEMA_NAME, False)) == (2, 1)


def test_the_periodic_fan_out_purges_every_live_tenant(celery_worker, login_rows, tenant_a, tenant_b):
    """``purge_login_log_all_tenants`` (sent from public, like Celery beat does) reaches A and B.

    The fan-out task runs in the worker and enqueues one ``purge_login_log`` per live tenant
    from there, each tagged with that tenant's schema; recent rows and ``public`` stay.
    """
    from saas_core.tenancy import live_tenants

    connection.set_schema_to_public()
    live = set(live_tenants().values_list("schema_name", flat=True))
    assert {tenant_a.schema, tenant_b.schema} <= live

    parent = celery_worker.send(purge_login_log_all_tenants)
    enqueued = celery_worker.result(parent)

    assert enqueued == len(live)
    children = parent.children  # the per-tenant tasks fan_out sent, recorded in the parent's result
    assert len(children) == enqueued
    deleted = [celery_worker.result(child) for child in children]
    assert sum(deleted) >= 4  # at least the two old rows in A and in B
    assert (login_rows(tenant_a.schema, True), login_rows(tenant_a.schema, False)) == (0, 1)
    assert (login_rows(tenant_b.schema, True), login_rows(tenant_b.schema, False)) == (0, 1)
    assert (login_rows(settings.PUBLIC_SCHEMA_NAME, True), login_rows(settings.PUBLIC_SCHEMA_NAME, False)) == (2, 1)
