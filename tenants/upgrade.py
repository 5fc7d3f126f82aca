"""Upgrades at scale: ``crm migrate`` over thousands of company schemas (DESIGN.md "Upgrades at scale").

django-tenants' ``migrate_schemas`` runs Django's whole ``migrate`` per schema even when there is
nothing to apply (≈ 0.8 s a company: 14 minutes at 1,000). Here:

1. one global advisory lock, so two deploys never interleave (a second one is refused, naming the
   holder, or waits ``wait`` seconds);
2. ``public`` and then the template are migrated only if Django's plan for them is not empty; the
   template under its exclusive lock, which signups take shared while they clone it and until the
   company is ready, so a rollout never misses a company cloned from the old template and no
   signup clones a half-migrated one;
3. every company's ``django_migrations`` is compared with the template's in batched queries
   (``CHUNK`` schemas per UNION ALL); the complete ones are recorded ``done`` for this code's
   migration fingerprint without running ``migrate`` at all;
4. the others run Django's ``migrate`` in ``workers`` processes, each company under an advisory
   lock of its own (a killed run's orphaned worker, or a retry from the console, never migrates
   the same schema at once); in each worker the first company of a plan runs Django's migrate
   and the next ones replay the statements it ran (``tenants.replay``: Django's re-rendering of
   the project state after each operation was 90 % of a company's time); a failure is recorded with its error and the company turns
   read-only (billing.middleware) while the others go on;
5. state lives in ``CompanyUpgrade`` rows, so a rerun does only the failed and the pending.
"""

from __future__ import annotations

import hashlib
import io
import logging
import multiprocessing
import os
import socket
import sys
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from saas_core.advisory import LockSession, direct_connection
from tenants import replay

log = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x55504752  # "UPGR": (namespace, 0) is the global lock, (namespace, hashtext(schema)) a schema's
CHUNK = 400  # schemas per batched query: a UNION ALL of 400 small subqueries plans in milliseconds
ERROR_MAX = 4000


class UpgradeLocked(RuntimeError):
    """Another ``crm migrate`` holds the global lock."""


class UpgradeError(RuntimeError):
    """Public or the template could not be migrated: no company is touched."""


# --- fingerprint and batched confirmation ------------------------------------------------------


def _loader_class():
    from django.db.migrations.loader import MigrationLoader

    class DiskOnceLoader(MigrationLoader):
        """Django's loader, reading the migration files and building the graph once per process
        (≈ 0.2 s each time): they do not change during a rollout, only each schema's applied set
        does."""

        files: tuple | None = None
        graph: object = None
        shared_graph: object = None  # the graph from disk, for every load with a connection

        def load_disk(self) -> None:
            if DiskOnceLoader.files is None:
                super().load_disk()
                DiskOnceLoader.files = ({key: type(m) for key, m in self.disk_migrations.items()},
                                        frozenset(self.unmigrated_apps), frozenset(self.migrated_apps))
                return
            classes, unmigrated, migrated = DiskOnceLoader.files
            self.disk_migrations = {(app, name): cls(name, app) for (app, name), cls in classes.items()}
            self.unmigrated_apps, self.migrated_apps = set(unmigrated), set(migrated)

        def build_graph(self) -> None:
            """Django's graph, with the applied set read by SchemaRecorder: Django's recorder asks
            whether django_migrations exists by listing every table visible on the connection,
            a catalogue scan that grows with the number of companies (≈ 0.2 s at 600, four
            times per company). Squashed migrations need the applied set while the graph is
            built: then Django's own way. The graph itself is built once per process and shared
            (≈ 15 ms a company): only the applied set differs between companies, and
            ``_run_migrate`` gives each company's plan fresh Migration instances."""
            connection_ = self.connection
            if connection_ is not None and DiskOnceLoader.shared_graph is not None:
                _classes, unmigrated, migrated = DiskOnceLoader.files
                self.unmigrated_apps, self.migrated_apps = set(unmigrated), set(migrated)
                self.graph, self.replacements = DiskOnceLoader.shared_graph, {}
                self.disk_migrations = dict(self.graph.nodes)
                self.applied_migrations = SchemaRecorder(connection_).applied_migrations()
                return
            self.connection = None
            try:
                super().build_graph()
            finally:
                self.connection = connection_
            if connection_ is None:
                return
            if self.replacements:
                super().build_graph()
                return
            DiskOnceLoader.shared_graph = self.graph
            self.applied_migrations = SchemaRecorder(connection_).applied_migrations()

    return DiskOnceLoader


def _recorder_class():
    from django.db.migrations.recorder import MigrationRecorder

    class SchemaRecorder(MigrationRecorder):
        """Django's recorder, confirming its table in the connection's schema by name."""

        def has_table(self) -> bool:
            if self._has_table:
                return True
            schema = getattr(self.connection, "schema_name", None) or settings.PUBLIC_SCHEMA_NAME
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{_quoted(schema)}.django_migrations"])
                self._has_table = bool(cursor.fetchone()[0])
            return self._has_table

    return SchemaRecorder


_RECORDER = None


def SchemaRecorder(conn):  # noqa: N802 - stands for the class, made once Django is set up
    global _RECORDER
    if _RECORDER is None:
        _RECORDER = _recorder_class()
    return _RECORDER(conn)


_LOADER = None


def loader_class():
    global _LOADER
    if _LOADER is None:
        _LOADER = _loader_class()
    return _LOADER


_EXECUTOR = None


_SHARED_FUNCTION = 'CREATE OR REPLACE FUNCTION "public"._pgtrigger_should_ignore('


def _without_shared_function(sql: str) -> str:
    """``sql`` minus pgtrigger's re-creation of its one function in public.

    Every trigger pgtrigger (and so pghistory) installs starts with ``CREATE OR REPLACE FUNCTION
    "public"._pgtrigger_should_ignore``, the same function for all schemas: two workers adding
    triggers in two companies at once then fail with "tuple concurrently updated". Once the
    function exists (the first trigger of the installation made it), a company's migration leaves
    it as it is.
    """
    head = sql.find(_SHARED_FUNCTION)
    if head < 0:
        return sql
    tail = sql.find("$$ LANGUAGE plpgsql;", head)
    return sql if tail < 0 else sql[:head] + sql[tail + len("$$ LANGUAGE plpgsql;"):]


_SHARED_FUNCTION_EXISTS = False


def _guard_shared_function(schema_editor) -> None:
    global _SHARED_FUNCTION_EXISTS
    if not _SHARED_FUNCTION_EXISTS:  # a new installation: the first trigger makes it
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT to_regprocedure('public._pgtrigger_should_ignore(name)') IS NOT NULL")
            _SHARED_FUNCTION_EXISTS = cursor.fetchone()[0]
        if not _SHARED_FUNCTION_EXISTS:
            return
    original = schema_editor.execute

    def execute(sql, params=()):
        return original(_without_shared_function(str(sql)) if _SHARED_FUNCTION in str(sql) else sql, params)

    schema_editor.execute = execute


def _executor_class():
    global _EXECUTOR
    if _EXECUTOR is None:
        from django.db.migrations.executor import MigrationExecutor

        class CompanyExecutor(MigrationExecutor):
            """Django's executor, leaving pgtrigger's public function alone and, with ``replays``
            set, replaying the plan's recorded migrations (``tenants.replay``) or recording them."""

            replays = None
            schema = ""
            _recording = None

            def apply_migration(self, state, migration, fake=False, fake_initial=False):
                key = (migration.app_label, migration.name)
                steps = None if self.replays is None else self.replays.kept.get(key)
                if steps is not None:
                    def apply(project_state, schema_editor, collect_sql=False):
                        replay.replay(steps, schema_editor)
                        return project_state  # not advanced: only the first company's state is used

                    migration.apply = apply
                    return super().apply_migration(state, migration, fake=fake, fake_initial=fake_initial)
                recording = None if self.replays is None else replay.Recording(self.schema)
                original = migration.apply

                def apply(project_state, schema_editor, collect_sql=False):
                    _guard_shared_function(schema_editor)
                    if recording is not None:
                        recording.watch(migration)
                    return original(project_state, schema_editor, collect_sql)

                migration.apply = apply
                if recording is None:
                    return super().apply_migration(state, migration, fake=fake, fake_initial=fake_initial)
                self._recording = recording
                try:
                    with self.connection.execute_wrapper(recording):
                        state = super().apply_migration(state, migration, fake=fake, fake_initial=fake_initial)
                finally:
                    self._recording = None
                self.replays.pending[key] = recording
                return state

            def record_migration(self, *args, **kwargs):
                if self._recording is not None:
                    self._recording.paused = True  # django_migrations gets its row from the executor
                try:
                    return super().record_migration(*args, **kwargs)
                finally:
                    if self._recording is not None:
                        self._recording.paused = False

        _EXECUTOR = CompanyExecutor
    return _EXECUTOR


def executor_for(conn):
    """Django's MigrationExecutor on ``conn`` with the files-once loader."""
    executor = _executor_class().__new__(_executor_class())
    executor.connection, executor.progress_callback = conn, None
    executor.loader, executor.recorder = loader_class()(conn), SchemaRecorder(conn)
    return executor


def code_fingerprint() -> str:
    """A digest of every migration the deployed code has (read from disk, not the database), 48
    hex digits, then 16 of the installed modules' dictionary defaults (``seeds_part``): seeded
    into every company after ``migrate`` (plugins.catalogue), they may change without a migration."""
    import json

    from plugins.gate import module_dictionary_types

    graph = loader_class()(None, ignore_no_migrations=True).graph
    names = "\n".join(sorted(f"{app}.{name}" for app, name in graph.nodes))
    seeds = json.dumps(module_dictionary_types(), sort_keys=True, default=str)
    return hashlib.sha256(names.encode()).hexdigest()[:48] + hashlib.sha256(seeds.encode()).hexdigest()[:16]


def seeds_part(fingerprint: str) -> str:
    return fingerprint[48:]


def _quoted(schema: str) -> str:
    from tenants.console.rollout import _quoted as quoted

    return quoted(schema)


def applied_in(schema: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {_quoted(schema)}.django_migrations ORDER BY id")
        return cursor.fetchall()


def complete_schemas(schemas: list[str], target: list[tuple[str, str]]) -> set[str]:
    """Those of ``schemas`` whose ``django_migrations`` holds every migration of ``target``,
    confirmed ``CHUNK`` schemas per query (missing schemas count as not complete)."""
    from tenants.console.rollout import existing_schemas

    present = existing_schemas(schemas) if schemas else set()
    wanted = [s for s in dict.fromkeys(schemas) if s in present]
    needed = {f"{app}.{name}" for app, name in target}
    complete: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        # Each schema's names, compared here: a join with the target per schema made PostgreSQL
        # plan 400 joins a query (≈ 6 s for 1,000 companies, against ≈ 0.6 s for this).
        sql = " UNION ALL ".join(f"SELECT %s, array_agg(app || '.' || name) FROM {_quoted(s)}.django_migrations"
                                 for s in chunk)
        with connection.cursor() as cursor:
            cursor.execute(sql, chunk)
            complete.update(schema for schema, names in cursor.fetchall() if names and needed.issubset(names))
    return complete


def pending_plan(schema: str) -> list:
    """Django's plan for ``schema`` (empty: nothing to migrate)."""
    connection.set_schema(schema) if schema != settings.PUBLIC_SCHEMA_NAME else connection.set_schema_to_public()
    try:
        executor = executor_for(connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        connection.set_schema_to_public()


# --- locks -------------------------------------------------------------------------------------


def _lock_connection():
    """A connection of its own for a session advisory lock: Django's connection is closed and
    reopened around each schema's migrate (django-tenants), which would drop the lock; and
    behind a transaction-pooling PgBouncer it goes to PostgreSQL directly (saas_core.advisory)."""
    return direct_connection("migrate")


def _holder(conn, key_sql: str, key_params: list) -> str:
    row = conn.execute(
        "SELECT a.application_name, a.client_addr::text, a.backend_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        f"AND l.classid = %s::oid AND l.objid = ({key_sql})::oid AND l.objsubid = 2 LIMIT 1",
        [LOCK_NAMESPACE, *key_params]).fetchone()
    if not row:
        return "another process"
    name, addr, since = row
    return f"“{name or 'unknown'}” ({addr or 'local'}, connected {since:%Y-%m-%d %H:%M:%S %Z})"


@contextmanager
def global_lock(wait: float = 0) -> Iterator[None]:
    """The one lock of a rollout: refused with UpgradeLocked naming the holder after ``wait`` s."""
    conn = _lock_connection()
    try:
        deadline = time.monotonic() + wait
        while not conn.execute("SELECT pg_try_advisory_lock(%s, 0)", [LOCK_NAMESPACE]).fetchone()[0]:
            if time.monotonic() >= deadline:
                raise UpgradeLocked(f"another crm migrate is running: {_holder(conn, '0', [])} holds the upgrade "
                                    "lock. Wait for it to finish (or pass --wait SECONDS).")
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
        yield
    finally:
        conn.close()  # ends the session, releasing the lock


_SCHEMA_LOCKS = None  # this process's connection for schema locks, kept between companies
_KEEP_SCHEMA_LOCKS = False  # set while this process migrates company after company


@contextmanager
def _own_schema_lock(schema: str) -> Iterator[None]:
    conn = _lock_connection()
    try:
        conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, schema])
        yield
    finally:
        conn.close()


@contextmanager
def schema_lock(schema: str) -> Iterator[None]:
    """Exclusive per-schema lock, waited for (a schema is migrated by one process at a time).
    While a process migrates company after company (a worker, ``kept_schema_locks``) it is held
    on one connection opened once: a connection per company cost a PostgreSQL backend started
    (and its catalogue caches filled) for every company. Otherwise on a connection of its own."""
    global _SCHEMA_LOCKS
    import psycopg

    if not _KEEP_SCHEMA_LOCKS:
        with _own_schema_lock(schema):
            yield
        return
    conn = _SCHEMA_LOCKS
    if conn is None or conn.closed:
        conn = _SCHEMA_LOCKS = _lock_connection()
    try:
        conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, schema])
    except psycopg.Error:
        conn.close()
        raise
    try:
        yield
    finally:
        try:
            conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [LOCK_NAMESPACE, schema])
        except psycopg.Error:  # closing ends the session, which releases its locks
            conn.close()


@contextmanager
def kept_schema_locks() -> Iterator[None]:
    """Schema locks of this process on one connection until the block ends."""
    global _KEEP_SCHEMA_LOCKS
    _KEEP_SCHEMA_LOCKS = True
    try:
        yield
    finally:
        _KEEP_SCHEMA_LOCKS = False
        close_schema_locks()


def close_schema_locks() -> None:
    """Close this process's schema-lock connection."""
    global _SCHEMA_LOCKS
    if _SCHEMA_LOCKS is not None:
        _SCHEMA_LOCKS.close()
        _SCHEMA_LOCKS = None


@contextmanager
def template_shared(locks: LockSession) -> Iterator[None]:
    """Held by a signup (on its lock session, saas_core.advisory) from cloning the template until
    the company is ready: a rollout migrating the template waits for signups at work, and signups
    wait for the template's migration, so none clones a half-migrated template or is missed by the
    rollout's list of companies."""
    locks.lock(LOCK_NAMESPACE, settings.TEMPLATE_SCHEMA_NAME, shared=True)
    try:
        yield
    finally:
        import psycopg

        try:
            locks.unlock(LOCK_NAMESPACE, settings.TEMPLATE_SCHEMA_NAME, shared=True)
        except psycopg.Error:  # a broken connection released it already
            log.warning("could not release the template's shared lock")


@contextmanager
def template_exclusive() -> Iterator[None]:
    conn = _lock_connection()
    try:
        conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, settings.TEMPLATE_SCHEMA_NAME])
        yield
    finally:
        conn.close()


# --- one company -------------------------------------------------------------------------------


@dataclass
class Outcome:
    tenant_id: int
    schema: str
    state: str
    applied: int = 0
    seconds: float = 0.0
    error: str = ""
    replayed: bool = False  # the statements the plan's first company ran (tenants.replay)


_PRE_STATE: dict = {}  # the rendered project state before the plan, by applied set (one entry)


def _run_migrate(schema: str) -> tuple[int, bool]:
    """What Django's ``migrate`` command does in ``schema`` (pre_migrate, the plan, post_migrate),
    reusing per process what is the same for every company at one version: the migration files
    and the rendered states before and after the plan (rendering them took ≈ 0.6 s a company,
    most of a company's migration) and, after the plan's first company, the statements it ran
    (``tenants.replay``). Returns how many migrations were applied and whether they were replayed;
    an error carries the one it happened in as a note."""
    from django.core.management.sql import emit_pre_migrate_signal

    # django_migrations must exist in the schema itself, or the recorder would find public's.
    connection.set_schema(schema, include_public=False)
    SchemaRecorder(connection).ensure_schema()
    connection.set_schema(schema)
    out = io.StringIO()
    started: list[str] = []
    try:
        executor = executor_for(connection)
        executor.progress_callback = lambda action, migration=None, fake=False: (
            started.append(str(migration)) if action == "apply_start" else None)
        graph = executor.loader.graph
        targets = graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        if not plan:
            return 0, False
        # Fresh instances of this company's migrations in the shared graph (DiskOnceLoader), as
        # Django's own loader gives: pre_migrate receivers (contenttypes') insert operations into
        # the migrations of a plan, which must not pile up from company to company.
        for migration, _backwards in plan:
            graph.nodes[(migration.app_label, migration.name)] = type(migration)(migration.name, migration.app_label)
        plan = executor.migration_plan(targets)
        key = frozenset(executor.loader.applied_migrations)
        if key not in _PRE_STATE:
            state = executor._create_project_state(with_applied_migrations=True)
            state.apps  # noqa: B018 - render once, here, for the signal and for every clone
            _PRE_STATE.clear()
            _PRE_STATE[key] = state
        pre_state = _PRE_STATE[key]
        emit_pre_migrate_signal(0, False, connection.alias, stdout=out, apps=pre_state.apps, plan=plan)
        plan_cache = replay.for_plan((key, tuple((m.app_label, m.name) for m, _backwards in plan)))
        executor.replays, executor.schema = plan_cache, schema
        replayed = bool(plan_cache.kept)
        try:
            post_state = executor.migrate(targets, plan=plan, state=pre_state.clone())
        except Exception:
            plan_cache.drop_pending()
            raise
        if plan_cache.post_apps is None:  # the plan's first company: its state was advanced
            plan_cache.post_apps = _post_migrate_apps(post_state)
        plan_cache.keep(len(plan))
        post_apps = plan_cache.post_apps
        _post_migrate(plan, post_apps, out)
        return len(plan), replayed
    except Exception as exc:
        if started:
            exc.add_note(started[-1])
        raise
    finally:
        connection.set_schema_to_public()


def _post_migrate_apps(post_state):
    """As Django's migrate: the state's models, the real apps' re-rendered with their relations,
    for post_migrate (re-rendering them took ≈ 0.05 s a company: once per plan)."""
    from django.apps import apps as global_apps
    from django.db.migrations.state import ModelState

    post_state.clear_delayed_apps_cache()
    post_apps = post_state.apps
    with post_apps.bulk_update():
        keys = [(m.app_label, m.name_lower) for m in post_apps.real_models]
        for model_key in keys:
            post_apps.unregister_model(*model_key)
    post_apps.render_multiple([ModelState.from_model(global_apps.get_model(*k)) for k in keys])
    return post_apps


def _post_migrate(plan: list, state_apps, out) -> None:
    """post_migrate as Django's ``migrate`` sends it to the apps whose migrations ran; the other
    apps get only the receivers registered for them alone (the module catalogue's dictionaries,
    pghistory's function). The receivers for every app, contenttypes' and permissions', have
    nothing to add for an app without a new migration (its models did not change), and asking
    them cost ≈ 115 queries a company, most of a migration's time."""
    from django.apps import apps
    from django.db.models.signals import post_migrate
    from django.dispatch.dispatcher import _make_id

    ran = {migration.app_label for migration, _backwards in plan}
    own: dict = {}  # sender id -> receivers registered for that app alone
    for (_receiver_id, sender_id), receiver, *is_async in post_migrate.receivers:
        if sender_id != _make_id(None):
            own.setdefault(sender_id, []).append((receiver, bool(is_async and is_async[0])))
    arguments = {"verbosity": 0, "interactive": False, "using": connection.alias, "stdout": out,
                 "apps": state_apps, "plan": plan}
    for app_config in apps.get_app_configs():
        if app_config.models_module is None:
            continue
        if app_config.label in ran:
            post_migrate.send(sender=app_config, app_config=app_config, **arguments)
            continue
        # Only the app's own receivers: the ones for every app (content types, permissions)
        # cost ≈ 20 queries an app and have nothing to add for an app without a new migration.
        for receiver, is_async in own.get(_make_id(app_config), []):
            function = receiver() if isinstance(receiver, weakref.ReferenceType) else receiver
            if function is None:
                continue
            if is_async:
                from asgiref.sync import async_to_sync

                function = async_to_sync(function)
            function(signal=post_migrate, sender=app_config, app_config=app_config, **arguments)


def _record(tenant_id: int, **fields) -> None:
    from tenants.models import CompanyUpgrade

    connection.set_schema_to_public()
    with transaction.atomic():
        updated = CompanyUpgrade.objects.filter(tenant_id=tenant_id).update(**fields)
        if not updated:
            CompanyUpgrade.objects.create(tenant_id=tenant_id, **fields)


def migrate_company(tenant_id: int, schema: str, fingerprint: str) -> Outcome:
    """Migrate one company under its schema lock and record the outcome (never raises for a
    migration's failure: the others must go on)."""
    from django.db.models import F

    from tenants.models import CompanyUpgrade

    S = CompanyUpgrade.State
    with schema_lock(schema):
        started = timezone.now()
        t0 = time.perf_counter()
        connection.set_schema_to_public()
        fields = {"state": S.MIGRATING, "started_at": started, "finished_at": None, "fingerprint": fingerprint}
        if not CompanyUpgrade.objects.filter(tenant_id=tenant_id).update(**fields, attempts=F("attempts") + 1):
            CompanyUpgrade.objects.create(tenant_id=tenant_id, **fields, attempts=1)
        try:
            applied, replayed = _run_migrate(schema)
        except Exception as exc:  # noqa: BLE001 - recorded and shown; the rollout goes on
            connection.close()  # a broken transaction must not leak into the next company
            where = "".join(getattr(exc, "__notes__", []) or [])
            error = (f"{where}: " if where else "") + f"{type(exc).__name__}: {exc}"
            seconds = time.perf_counter() - t0
            log.error("upgrade of %s failed: %s", schema, error)
            _record(tenant_id, state=S.FAILED, error=error[:ERROR_MAX], finished_at=timezone.now(), seconds=seconds)
            return Outcome(tenant_id, schema, S.FAILED, seconds=seconds, error=error[:ERROR_MAX])
        seconds = time.perf_counter() - t0
        _record(tenant_id, state=S.DONE, error="", finished_at=timezone.now(), seconds=seconds, applied=applied)
        return Outcome(tenant_id, schema, S.DONE, applied=applied, seconds=seconds, replayed=replayed)


def _worker_init() -> None:
    global _KEEP_SCHEMA_LOCKS
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_core.settings")
    import django

    django.setup()
    _KEEP_SCHEMA_LOCKS = True  # the worker's lock connection ends with the worker


def _worker_migrate(tenant_id: int, schema: str, fingerprint: str) -> Outcome:
    try:
        return migrate_company(tenant_id, schema, fingerprint)
    finally:
        connection.close()


# --- the rollout -------------------------------------------------------------------------------


@dataclass
class Result:
    fingerprint: str
    checked: int = 0
    skipped: int = 0
    migrated: int = 0
    failed: list[Outcome] = field(default_factory=list)
    public_migrated: bool = False
    template_migrated: bool = False
    seconds: float = 0.0


def _migrate_shared(verbosity: int) -> bool:
    from django.core.management import call_command

    if not pending_plan(settings.PUBLIC_SCHEMA_NAME):
        return False
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
    return True


def _template_behind() -> bool:
    from django_tenants.utils import schema_exists

    return not schema_exists(settings.TEMPLATE_SCHEMA_NAME) or bool(pending_plan(settings.TEMPLATE_SCHEMA_NAME))


def _migrate_template(verbosity: int) -> None:
    from django.core.management import call_command
    from django_tenants.utils import schema_exists

    if not schema_exists(settings.TEMPLATE_SCHEMA_NAME):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{settings.TEMPLATE_SCHEMA_NAME}"')
    call_command("migrate_schemas", tenant=True, schema_name=settings.TEMPLATE_SCHEMA_NAME, interactive=False,
                 verbosity=verbosity)


def _seed(schemas: list[str]) -> int:
    """The modules' catalogue in public and their dictionary defaults in each of ``schemas``
    (what post_migrate does after Django's migrate: plugins.catalogue)."""
    from django_tenants.utils import schema_context

    from plugins import catalogue

    catalogue.sync_modules()
    for schema in schemas:
        with schema_context(schema):
            catalogue.seed_dictionaries()
    return len(schemas)


def _companies(only: list[str] | None) -> list[tuple[int, str]]:
    from saas_core.tenancy import workspace_tenants

    rows = workspace_tenants().order_by("pk")
    if only is not None:
        rows = rows.filter(schema_name__in=only)
    return list(rows.values_list("pk", "schema_name"))


def _record_confirmed(companies: list[tuple[int, str]], complete: set[str], fingerprint: str) -> list[tuple[int, str]]:
    """Record the complete companies done (only rows that change are written) and the others
    pending; return the pending ones."""
    from tenants.models import CompanyUpgrade

    S = CompanyUpgrade.State
    known = {pk: (state, fp) for pk, state, fp in
             CompanyUpgrade.objects.filter(tenant_id__in=[pk for pk, _s in companies])
             .values_list("tenant_id", "state", "fingerprint")}
    now = timezone.now()
    done, pending = [], []
    for pk, schema in companies:
        if schema in complete:
            if known.get(pk) != (S.DONE, fingerprint):
                done.append(CompanyUpgrade(tenant_id=pk, state=S.DONE, fingerprint=fingerprint, error="",
                                           finished_at=now))
        else:
            pending.append((pk, schema))
    with transaction.atomic():
        if done:
            CompanyUpgrade.objects.bulk_create(done, batch_size=1000, update_conflicts=True, unique_fields=["tenant"],
                                               update_fields=["state", "fingerprint", "error", "finished_at"])
        # Failed ones keep their state (and the read-only hold) until their retry succeeds.
        fresh = [CompanyUpgrade(tenant_id=pk, state=S.PENDING, fingerprint=fingerprint) for pk, _s in pending
                 if known.get(pk, ("",))[0] != S.FAILED]
        if fresh:
            CompanyUpgrade.objects.bulk_create(fresh, batch_size=1000, update_conflicts=True, unique_fields=["tenant"],
                                               update_fields=["state", "fingerprint"])
    return pending


def run_pending(pending: list[tuple[int, str]], fingerprint: str, *, workers: int,
                report: Callable[[Outcome, int, int], None]) -> list[Outcome]:
    """Migrate ``pending`` with ``workers`` processes (1: in this process)."""
    outcomes: list[Outcome] = []
    total = len(pending)
    if workers <= 1 or total <= 1:
        with kept_schema_locks():
            for pk, schema in pending:
                outcome = migrate_company(pk, schema, fingerprint)
                outcomes.append(outcome)
                report(outcome, len(outcomes), total)
        return outcomes
    # spawn, not fork: a forked child would share this process's open database connections.
    context = multiprocessing.get_context("spawn")
    connection.close()
    with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=context, initializer=_worker_init) as pool:
        futures = [pool.submit(_worker_migrate, pk, schema, fingerprint) for pk, schema in pending]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            report(outcome, len(outcomes), total)
    return outcomes


def migrate_all(*, workers: int = 4, wait: float = 0, verbosity: int = 1, only: list[str] | None = None,
                out=None) -> Result:
    """The whole rollout (``crm migrate``); raises UpgradeLocked or UpgradeError."""
    from tenants import provisioning
    from tenants.models import UpgradeRun

    out = out or sys.stdout
    t0 = time.perf_counter()

    def say(message: str) -> None:
        if verbosity >= 1:
            out.write(message + "\n")
            out.flush()

    with global_lock(wait):
        fingerprint = code_fingerprint()
        result = Result(fingerprint=fingerprint)
        try:
            result.public_migrated = _migrate_shared(verbosity)
            provisioning.ensure_public_tenant()
            if _template_behind():  # (no other run can change that: this one holds the global lock)
                with template_exclusive():
                    _migrate_template(verbosity)
                    result.template_migrated = True
                    # Listed under the template's lock: a signup that cloned the old template is
                    # ready (and listed) by now, later ones clone the migrated template.
                    companies = _companies(only)
            else:
                # Signups at work clone this same, current template: no need to wait for them.
                companies = _companies(only)
        except Exception as exc:
            raise UpgradeError(f"public or the template schema could not be migrated, no company was touched: "
                               f"{type(exc).__name__}: {exc}") from exc
        say(f"public: {'migrated' if result.public_migrated else 'up to date'}; "
            f"template: {'migrated' if result.template_migrated else 'up to date'}")
        last = UpgradeRun.objects.filter(finished_at__isnull=False).values_list("fingerprint", flat=True).first()
        run = UpgradeRun.objects.create(fingerprint=fingerprint, workers=workers,
                                        host=f"{socket.gethostname()}:{os.getpid()}"[:200])
        target = applied_in(settings.TEMPLATE_SCHEMA_NAME)
        complete = complete_schemas([s for _pk, s in companies], target)
        pending = _record_confirmed(companies, complete, fingerprint)
        if last is None or seeds_part(last) != seeds_part(fingerprint):
            # Module dictionaries changed without a migration (or this is the first run): the
            # companies that migrate get them from post_migrate, the others here.
            waiting = {schema for _pk, schema in pending}
            seeded = _seed([settings.TEMPLATE_SCHEMA_NAME, *(s for _pk, s in companies if s not in waiting)])
            say(f"module dictionaries: seeded in {seeded} schemas")
        result.checked, result.skipped = len(companies), len(companies) - len(pending)
        say(f"{result.checked} companies: {result.skipped} up to date, {len(pending)} to migrate "
            f"with {max(1, min(workers, len(pending)))} workers")

        def report(outcome: Outcome, done: int, total: int) -> None:
            if outcome.state == "failed":
                out.write(f"[{done}/{total}] {outcome.schema}: FAILED after {outcome.seconds:.1f} s: "
                          f"{outcome.error}\n")
                out.flush()
            else:
                how = " (replayed)" if outcome.replayed else ""
                say(f"[{done}/{total}] {outcome.schema}: {outcome.applied} applied{how} in {outcome.seconds:.1f} s")

        outcomes = run_pending(pending, fingerprint, workers=workers, report=report)
        result.failed = [o for o in outcomes if o.state == "failed"]
        result.migrated = len(outcomes) - len(result.failed)
        result.seconds = time.perf_counter() - t0
        UpgradeRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), checked=result.checked, skipped=result.skipped, migrated=result.migrated,
            failed=len(result.failed))
        say(f"done in {result.seconds:.1f} s: {result.skipped} skipped, {result.migrated} migrated, "
            f"{len(result.failed)} failed" + (" (read-only until retried: see the console's rollout page)"
                                              if result.failed else ""))
        return result


# --- the console -------------------------------------------------------------------------------


STATE_FILTERS = ("pending", "migrating", "failed", "done", "none")


def with_state(tenants, state: str):
    """``tenants`` narrowed to one upgrade state ("none": no state recorded yet)."""
    if not state:
        return tenants
    if state == "none":
        return tenants.filter(upgrade__isnull=True)
    return tenants.filter(upgrade__state=state)


def counts(tenants) -> dict[str, int]:
    """How many of ``tenants`` are in each state ("none": not recorded yet), in one query."""
    from django.db.models import Count, Q

    from tenants.models import CompanyUpgrade

    S = CompanyUpgrade.State
    found = tenants.aggregate(total=Count("pk"), none=Count("pk", filter=Q(upgrade__isnull=True)),
                              **{s.value: Count("pk", filter=Q(upgrade__state=s.value)) for s in S})
    return found


def is_held(tenant) -> bool:
    """Is this company read-only because its upgrade failed?"""
    from tenants.models import CompanyUpgrade

    # Every page's banner asks: plain SQL, not the ORM's exists(), whose query building cost
    # more than the query.
    table = connection.ops.quote_name(CompanyUpgrade._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE tenant_id = %s AND state = %s)",  # noqa: S608
                       [tenant.pk, CompanyUpgrade.State.FAILED.value])
        return bool(cursor.fetchone()[0])


def held_message() -> str:
    from django.utils.translation import gettext as _

    return _("This workspace is read-only for now because the service provider's upgrade of it did not finish. "
             "Your data is safe and can still be read and exported; the service provider has been alerted and "
             "will complete the upgrade, after which you can work as usual.")


def retry(tenants) -> int:
    """Queue a migration of these companies (the console's retry / migrate-this-company)."""
    from tenants import tasks
    from tenants.models import CompanyUpgrade

    ids = list(tenants.values_list("pk", flat=True))
    for pk in ids:
        CompanyUpgrade.objects.get_or_create(tenant_id=pk)
        transaction.on_commit(lambda pk=pk: tasks.migrate_company.delay(pk))
    return len(ids)


def migrate_queued(tenant_id: int) -> Outcome | None:
    """The task behind ``retry``: the company as it is now (it may be gone or deleted)."""
    from saas_core.tenancy import workspace_tenants

    company = workspace_tenants().filter(pk=tenant_id).values_list("schema_name", flat=True).first()
    if company is None:
        return None
    return migrate_company(tenant_id, company, code_fingerprint())
