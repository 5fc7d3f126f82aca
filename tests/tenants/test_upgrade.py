"""Upgrades at scale: the real ``crm migrate`` against real company schemas (tenants.upgrade).

A deploy that brings migrations is played by the drill app (tests/upgrade_drill.py): a table
created, a nullable column added to every company's customers, a failure in a chosen company.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants import lifecycle, provisioning, upgrade
from tenants.models import CompanyUpgrade, Tenant, UpgradeRun
from tests.conftest import PASSWORD, child_env
from tests.upgrade_drill import APP, COLUMN, SETTINGS, undo_drill, write_drill

ROOT = Path(__file__).resolve().parents[2]
S = Tenant.Status
U = CompanyUpgrade.State

pytestmark = pytest.mark.live


def _crm_migrate(*args: str, settings_module: str = "tests.settings", pythonpath: str = "", popen: bool = False,
                 **env: str):
    environment = child_env(DJANGO_SETTINGS_MODULE=settings_module, PYTHONUNBUFFERED="1",
                            PYTHONPATH=os.pathsep.join(p for p in (pythonpath, str(ROOT)) if p), **env)
    command = [sys.executable, "-m", "saas_core.cli", "migrate", *args]
    if popen:
        return subprocess.Popen(command, env=environment, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
    return subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.fixture
def clean_state(live_db):
    yield
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        undo_drill(cursor)
    CompanyUpgrade.objects.all().delete()
    UpgradeRun.objects.all().delete()


@pytest.fixture
def drill(tmp_path, clean_state):
    """``crm migrate`` of a deploy that brings the drill's two migrations."""
    write_drill(tmp_path, "tests.settings")

    def run(*args: str, fail: str = "", sleep: str = "", popen: bool = False):
        return _crm_migrate(*args, settings_module=SETTINGS, pythonpath=str(tmp_path), popen=popen,
                            CRM_DRILL_FAIL=fail, CRM_DRILL_SLEEP=sleep)

    return run


def _has_column(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
                       "AND table_name = 'customers_customer' AND column_name = %s", [schema, COLUMN])
        return cursor.fetchone() is not None


def _drill_applied(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT name FROM "{schema}".django_migrations WHERE app = %s ORDER BY name', [APP])
        return [name for (name,) in cursor.fetchall()]


def _state(schema: str) -> CompanyUpgrade:
    return CompanyUpgrade.objects.get(tenant__schema_name=schema)


def _company(subdomain: str) -> Tenant:
    return provisioning.create_workspace(company_name=f"Co {subdomain}", subdomain=subdomain, admin_name="B",
                                         email=f"b@{subdomain}.example.com", password=PASSWORD).tenant


def test_nothing_to_migrate_is_confirmed_in_batches_without_running_migrate(clean_state, tenant_a, tenant_b,
                                                                            settings):
    gone = _company("gone-upgrade")
    for step in (S.ACTIVE, S.CANCELLED):
        lifecycle.transition(gone, step)
    assert lifecycle.advance(gone, timezone.now() + timedelta(days=settings.BILLING_RETENTION_DAYS, minutes=1)) \
        == S.DELETED
    # A signup whose process died while cloning: its row says so, its schema is half there.
    half = Tenant.objects.create(schema_name="t_half_made", name="Half", status=S.PROVISIONING)
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "t_half_made"')
        cursor.execute('CREATE TABLE "t_half_made"."accounts_user" (id bigint)')
    connection.set_schema_to_public()

    result = _crm_migrate()
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "public: up to date; template: up to date" in result.stdout
    assert "Operations to perform" not in result.stdout  # Django's migrate never ran
    live = Tenant.objects.filter(status__in=[S.TRIALING, S.ACTIVE]).exclude(schema_name="public").count()
    assert f"{live} companies: {live} up to date, 0 to migrate" in result.stdout
    fingerprint = _state(tenant_a.schema).fingerprint
    assert len(fingerprint) == 64 and _state(tenant_b.schema).state == U.DONE
    assert not CompanyUpgrade.objects.filter(tenant__in=[gone, half]).exists()
    assert not schema_exists(gone.schema_name)  # nothing was re-created for the deleted company
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 't_half_made'")
        assert cursor.fetchone()[0] == 1  # left for the sweeper (tenants.provisioning), not touched
    half.delete(force_drop=True)
    run = UpgradeRun.objects.get()
    assert (run.checked, run.skipped, run.migrated, run.failed) == (live, live, 0, 0) and run.finished_at


def test_a_failing_company_is_isolated_read_only_and_a_rerun_resumes_with_it(drill, tenant_a, tenant_b):
    result = drill("--workers", "2", fail=tenant_a.schema)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "public: migrated; template: migrated" in result.stdout
    assert f"{tenant_a.schema}: FAILED" in result.stdout and f"{tenant_b.schema}: 2 applied" in result.stdout
    failed = _state(tenant_a.schema)
    assert failed.state == U.FAILED and failed.attempts == 1
    assert "crm_drill.0002_customer_note" in failed.error and f"drill failure in {tenant_a.schema}" in failed.error
    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    assert upgrade.is_held(alpha)  # read-only (billing.middleware) until a migration succeeds
    assert _drill_applied(tenant_a.schema) == ["0001_initial"] and not _has_column(tenant_a.schema)  # 0002 rolled back
    assert _state(tenant_b.schema).state == U.DONE and _has_column(tenant_b.schema)
    assert _drill_applied(settings_template()) == ["0001_initial", "0002_customer_note"]

    again = drill("--workers", "2")
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert "public: up to date; template: up to date" in again.stdout
    assert "up to date, 1 to migrate" in again.stdout and f"{tenant_a.schema}: 1 applied" in again.stdout
    assert tenant_b.schema not in again.stdout  # only the failed one ran
    done = _state(tenant_a.schema)
    assert (done.state, done.error, done.attempts) == (U.DONE, "", 2) and _has_column(tenant_a.schema)
    assert not upgrade.is_held(alpha)


def settings_template() -> str:
    from django.conf import settings

    return settings.TEMPLATE_SCHEMA_NAME


def test_a_killed_rollout_resumes_with_only_the_rest(drill, tenant_a, tenant_b):
    for name in ("resume-one", "resume-two"):
        _company(name)
    total = len(upgrade._companies(None))
    proc = drill("--workers", "2", sleep="1", popen=True)
    seen = []
    deadline = time.monotonic() + 300
    while len([line for line in seen if " applied in " in line]) < 2:
        line = proc.stdout.readline()
        assert line or proc.poll() is None, "".join(seen)
        assert time.monotonic() < deadline, "".join(seen)
        seen.append(line)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its workers, half way
    proc.wait(timeout=30)
    proc.stdout.close()
    finished = {line.split("] ")[1].split(":")[0] for line in seen if " applied in " in line}
    assert len(finished) == 2

    again = drill("--workers", "2")
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    # (a worker may have finished one more company after the last line read)
    skipped, rest = map(int, re.search(r"(\d+) up to date, (\d+) to migrate", again.stdout).groups())
    assert skipped >= 2 and rest >= 1 and skipped + rest == total
    assert not any(f"{schema}: " in again.stdout for schema in finished)
    assert set(CompanyUpgrade.objects.values_list("state", flat=True)) == {U.DONE}
    assert all(_has_column(schema) for _pk, schema in upgrade._companies(None))


def test_a_second_rollout_is_refused_while_one_holds_the_lock(drill):
    with upgrade.global_lock():
        result = drill()
    assert result.returncode == 2
    assert "another crm migrate is running" in result.stderr and "crm migrate" in result.stderr
    assert not UpgradeRun.objects.exists() and not _drill_applied(settings_template())


def test_a_company_is_migrated_by_one_process_at_a_time(drill, tenant_b):
    with upgrade.schema_lock(tenant_b.schema):  # e.g. an orphaned worker of a killed run, still at work
        proc = drill("--company", tenant_b.schema, popen=True)
        time.sleep(8)
        assert proc.poll() is None and not _has_column(tenant_b.schema)
    output, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, output
    assert "1 companies: 0 up to date, 1 to migrate" in output and _has_column(tenant_b.schema)


def test_a_signup_waits_for_the_template_migration_and_gets_the_migrated_template(clean_state):
    made: dict = {}

    def sign_up():
        try:
            made["tenant"] = _company("during-rollout")
        finally:
            connection.close()

    with upgrade.template_exclusive():  # as crm migrate holds it while migrating the template
        thread = threading.Thread(target=sign_up)
        thread.start()
        time.sleep(2)
        assert thread.is_alive()
        assert not Tenant.objects.filter(schema_name="t_during_rollout", status=S.TRIALING).exists()
    thread.join(timeout=120)
    assert made["tenant"].status == S.TRIALING and schema_exists("t_during_rollout")


def _catalogue(schema: str) -> dict:
    """What a schema is made of, with its own name taken out: tables and columns, constraints,
    indexes, sequences, the applied migrations and the content types and permissions."""
    queries = {
        "columns": "SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '') "
                   "FROM information_schema.columns WHERE table_schema = %(s)s",
        # (the order, not the numbers: a column dropped by an earlier drill keeps its number)
        "column_order": "SELECT table_name, string_agg(column_name, ',' ORDER BY ordinal_position) "
                        "FROM information_schema.columns WHERE table_schema = %(s)s GROUP BY table_name",
        "constraints": "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) "
                       "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %(s)s",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(s)s",
        "sequences": "SELECT sequencename, data_type::text FROM pg_sequences WHERE schemaname = %(s)s",
        "migrations": 'SELECT app, name FROM "{s}".django_migrations',
        "content_types": 'SELECT app_label, model FROM "{s}".django_content_type',
        "permissions": 'SELECT t.app_label, t.model, p.codename, p.name FROM "{s}".auth_permission p '
                       'JOIN "{s}".django_content_type t ON t.id = p.content_type_id',
    }
    found = {}
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = public")  # regclass names come schema-qualified
        for name, sql in queries.items():
            cursor.execute(sql.format(s=schema), {"s": schema})
            rows = [tuple(str(v).replace(f'"{schema}".', "").replace(f"{schema}.", "") for v in row)
                    for row in cursor.fetchall()]
            found[name] = sorted(rows)
    connection.set_schema_to_public()
    return found


def test_a_company_ends_up_exactly_as_a_plain_migrate_schemas_leaves_it(drill, tmp_path, tenant_a, tenant_b):
    """tenant_b migrated by django-tenants' own migrate_schemas (Django's whole migrate), tenant_a
    by crm migrate's fast path: the same tables, columns, constraints, indexes, migration
    records, content types and permissions."""
    before = _catalogue(tenant_a.schema)
    assert before == _catalogue(tenant_b.schema)  # cloned from one template
    environment = child_env(DJANGO_SETTINGS_MODULE=SETTINGS, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    out = subprocess.run([sys.executable, "-m", "saas_core.cli", "manage", "migrate_schemas", "--schema",
                          tenant_b.schema, "--executor", "standard"], env=environment, cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert "Applying crm_drill.0002_customer_note... OK" in out.stdout

    result = drill("--company", tenant_a.schema, "--company", tenant_b.schema)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "2 companies: 1 up to date, 1 to migrate" in result.stdout, result.stdout
    assert f"{tenant_a.schema}: 2 applied" in result.stdout

    fast, reference = _catalogue(tenant_a.schema), _catalogue(tenant_b.schema)
    assert ("crm_drill", "0002_customer_note") in fast["migrations"]
    assert ("crm_drill", "note") in fast["content_types"] and fast != before
    for part in reference:
        assert fast[part] == reference[part], part


def test_a_company_migration_leaves_pgtriggers_shared_public_function_alone():
    """Four workers adding pghistory triggers in four companies at once failed with "tuple
    concurrently updated": each trigger's SQL re-creates one function in public."""
    import pgtrigger.compiler

    from tenants.upgrade import _without_shared_function

    trigger = pgtrigger.compiler.Trigger(name="t", sql=pgtrigger.compiler.UpsertTriggerSql(
        func="RETURN NULL;", hash="h", operation="INSERT", pgid="pgtrigger_t_1", table="x", when="AFTER"))
    sql = str(trigger.install_sql)
    assert '"public"._pgtrigger_should_ignore(' in sql and "CREATE OR REPLACE FUNCTION pgtrigger_t_1()" in sql
    kept = _without_shared_function(sql)
    assert "CREATE OR REPLACE FUNCTION \"public\"._pgtrigger_should_ignore" not in kept
    assert "CREATE OR REPLACE FUNCTION pgtrigger_t_1()" in kept and "TRIGGER pgtrigger_t_1" in kept
    assert _without_shared_function("SELECT 1") == "SELECT 1"


def test_the_next_company_replays_the_first_ones_statements_and_ends_up_the_same(drill, tenant_a, tenant_b):
    """One worker: the first company runs Django's migrate, the second replays what it ran
    (its RunPython code runs again, in its own schema) and ends up exactly the same."""
    before = _catalogue(tenant_b.schema)
    result = drill("--workers", "1", "--company", tenant_a.schema, "--company", tenant_b.schema)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    lines = [line for line in result.stdout.splitlines() if " applied" in line]
    assert len(lines) == 2 and sum("2 applied (replayed)" in line for line in lines) == 1, result.stdout
    assert _has_column(tenant_a.schema) and _has_column(tenant_b.schema)
    first, second = _catalogue(tenant_a.schema), _catalogue(tenant_b.schema)
    assert second != before and ("crm_drill", "note") in second["content_types"]
    for part in first:
        assert first[part] == second[part], part


def test_a_replayed_company_whose_code_fails_is_rolled_back_and_isolated(drill, tenant_a, tenant_b):
    """The drill's RunPython fails in the replayed company: its migration is rolled back there
    (no column, not recorded), it is marked failed, the first company keeps its migration."""
    order = sorted([tenant_a, tenant_b], key=lambda info: Tenant.objects.get(schema_name=info.schema).pk)
    first, second = order[0].schema, order[1].schema
    result = drill("--workers", "1", "--company", first, "--company", second, fail=second)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert f"{first}: 2 applied in" in result.stdout and f"{second}: FAILED" in result.stdout, result.stdout
    assert f"drill failure in {second}" in _state(second).error
    assert _has_column(first) and not _has_column(second)
    assert "0002_customer_note" in _drill_applied(first) and "0002_customer_note" not in _drill_applied(second)
    assert _state(second).state == U.FAILED and _state(first).state == U.DONE

def test_parallel_workers_add_a_pgtrigger_trigger_in_six_companies_at_once(clean_state, tmp_path, tenant_a, tenant_b):
    """The drill's 0003 adds a pgtrigger trigger (pgtrigger's SQL re-creates its one function in
    public); three workers install it in every company at the same ticks of the clock, each
    holding its transaction open, so they meet on purpose. Every company succeeds, and the
    trigger is there and works in each."""
    from django.db import DatabaseError, transaction

    from tests.upgrade_drill import TRIGGER_PGID

    for n in range(4):
        _company(f"trigger-drill-{n}")
    companies = [schema for _pk, schema in upgrade._companies(None)]
    assert len(companies) >= 6
    write_drill(tmp_path, "tests.settings", trigger=True)
    result = _crm_migrate("--workers", "3", settings_module=SETTINGS, pythonpath=str(tmp_path),
                          CRM_DRILL_TICK="2", CRM_DRILL_HOLD="1")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "FAILED" not in result.stdout and "concurrently" not in result.stdout + result.stderr
    assert set(CompanyUpgrade.objects.values_list("state", flat=True)) == {U.DONE}
    for schema in companies:
        assert _drill_applied(schema) == ["0001_initial", "0002_customer_note", "0003_note_trigger"], schema
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND t.tgname = %s",
                           [schema, TRIGGER_PGID])
            assert cursor.fetchone()[0] == 1, schema
    with connection.cursor() as cursor:
        cursor.execute(f'INSERT INTO "{companies[-1]}"."{APP}_note" (text) VALUES (%s)', ["kept"])
        with pytest.raises(DatabaseError, match="drill notes are kept"), transaction.atomic():
            cursor.execute(f'DELETE FROM "{companies[-1]}"."{APP}_note"')
