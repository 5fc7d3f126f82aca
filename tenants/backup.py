"""Backups with PostgreSQL's own tools: the whole installation, or one company.

An archive is an uncompressed tar (pg_dump's custom format is already compressed) holding
``manifest.json`` and:

- installation: ``database.dump`` (``pg_dump -Fc`` of the whole database) and ``media/``;
- company: ``schema.dump`` (``pg_dump -Fc --schema``), ``public.json`` (its rows in the shared
  schema: the company row, vendor audit entries, module overrides, subscription) and ``media/``
  (its files: every ``MEDIA_ROOT/<area>/<schema>/`` folder and its logo).

A company is restored under a subdomain that must be free (its original one, or a new one: a
copy beside the live company). Its schema is renamed in a scratch database first, because
pg_restore always recreates a schema under the name it was dumped with; the company row stays
in the "provisioning" state (hidden, like a signup in progress) until everything is in, and a
failure removes whatever was made.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from tenants.models import Domain, Tenant, TenantAuditEntry
from tenants.provisioning import schema_name_for, subdomain_taken_error, validate_subdomain

FORMAT = 1
KINDS = {"company", "installation"}
TOOL_TIMEOUT = 6 * 3600


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- PostgreSQL's tools -----------------------------------------------------------------


def _libpq_env(dbname: str | None = None) -> dict[str, str]:
    """The environment that points pg_dump/pg_restore/psql at this installation's database."""
    params = connection.get_connection_params()
    env = dict(os.environ)
    for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("password", "PGPASSWORD"),
                     ("dbname", "PGDATABASE"), ("sslmode", "PGSSLMODE")):
        if params.get(key) not in (None, ""):
            env[var] = str(params[key])
    if dbname:
        env["PGDATABASE"] = dbname
    return env


def _server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _tool_major(path: str) -> int:
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    found = re.search(r"\)\s+(\d+)", out)
    return int(found.group(1)) if found else 0


def pg_tool(name: str) -> str:
    """``name`` (pg_dump, pg_restore, psql) of the server's major version or newer: pg_dump
    refuses to dump a newer server. Looked for in $CRM_PG_BIN, on PATH, then in pgserver's copy."""
    major = _server_major()
    candidates = []
    if os.environ.get("CRM_PG_BIN"):
        candidates.append(str(Path(os.environ["CRM_PG_BIN"]) / name))
    if found := shutil.which(name):
        candidates.append(found)
    try:
        import pgserver

        candidates.append(str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name))
    except ImportError:
        pass
    seen = []
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            version = _tool_major(candidate)
            seen.append(f"{candidate} ({version})")
            if version >= major:
                return candidate
    raise BackupError(_("No %(tool)s of PostgreSQL %(major)d or newer was found (found: %(seen)s). Install the "
                        "PostgreSQL client tools of the server's version, or set CRM_PG_BIN to their folder.")
                      % {"tool": name, "major": major, "seen": ", ".join(seen) or "-"})


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    if result.returncode != 0:
        raise BackupError(_("%(tool)s failed: %(error)s") % {
            "tool": Path(cmd[0]).name, "error": (result.stderr or result.stdout).strip()[-2000:]})


# --- archives ---------------------------------------------------------------------------


def _manifest(kind: str, **fields: Any) -> dict[str, Any]:
    return {"format": FORMAT, "kind": kind, "created_at": datetime.now(UTC).isoformat(),
            "postgresql": _server_major(), **fields}


def _write_archive(output: Path, folder: Path) -> Path:
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with tarfile.open(partial, "w") as tar:
        for entry in sorted(folder.iterdir()):
            tar.add(entry, arcname=entry.name)
    partial.replace(output)  # a half-written archive never carries the final name
    return output


def archive_kind(archive: Path) -> str:
    """"company" or "installation", from the archive's manifest (without unpacking the rest)."""
    try:
        with tarfile.open(archive) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
    except (tarfile.TarError, OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(_("%(path)s is not a CRM backup (%(error)s).") % {"path": archive, "error": exc}) from None
    if manifest.get("kind") not in KINDS:
        raise BackupError(_("%(path)s is not a CRM backup (%(error)s).") % {"path": archive, "error": manifest.get("kind")})
    return manifest["kind"]


@contextmanager
def _unpacked(archive: Path, kind: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("There is no backup file at %(path)s.") % {"path": archive})
    with tempfile.TemporaryDirectory(prefix="crm-restore-") as tmp:
        folder = Path(tmp)
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(folder, filter="data")
            manifest = json.loads((folder / "manifest.json").read_text())
        except (tarfile.TarError, OSError, ValueError) as exc:
            raise BackupError(_("%(path)s is not a CRM backup (%(error)s).") % {"path": archive, "error": exc}) from None
        if manifest.get("format") != FORMAT or manifest.get("kind") != kind:
            raise BackupError(_("%(path)s is a backup of kind “%(found)s” (format %(format)s); this command restores "
                                "“%(kind)s” backups of format %(expected)d.") % {
                "path": archive, "found": manifest.get("kind"), "format": manifest.get("format"), "kind": kind,
                "expected": FORMAT})
        yield folder, manifest


def _copy_tree(source: Path, target: Path) -> int:
    """Copy the files under ``source`` to ``target``; the number copied."""
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            count += 1
    return count


# --- the whole installation -------------------------------------------------------------


def backup_installation(output: Path) -> Path:
    """Every schema of the database and every uploaded file, into one archive."""
    with tempfile.TemporaryDirectory(prefix="crm-backup-") as tmp:
        folder = Path(tmp)
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(folder / "database.dump")],
             _libpq_env())
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            _copy_tree(media, folder / "media")
        (folder / "manifest.json").write_text(json.dumps(_manifest("installation"), indent=2))
        return _write_archive(output, folder)


def restore_installation(archive: Path) -> dict[str, Any]:
    """Into an empty database (a fresh installation's, before `crm migrate`), with its files."""
    with _unpacked(archive, "installation") as (folder, manifest):
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('public.tenants_tenant') IS NOT NULL")
            if cursor.fetchone()[0]:
                raise BackupError(_("The database %(name)s already holds an installation: restore the whole "
                                    "installation only into an empty database (createdb, then DATABASE_URL).")
                                  % {"name": settings.DATABASES["default"]["NAME"]})
        _run([pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", _libpq_env()["PGDATABASE"],
              str(folder / "database.dump")], _libpq_env())
        files = _copy_tree(folder / "media", Path(settings.MEDIA_ROOT)) if (folder / "media").is_dir() else 0
        return {**manifest, "files": files}


# --- one company ------------------------------------------------------------------------


def find_company(name: str) -> Tenant:
    """A company by subdomain, full host or schema name."""
    domain = Domain.objects.filter(domain__in=[name, f"{name}.{settings.BASE_DOMAIN}"]).select_related("tenant").first()
    tenant = domain.tenant if domain else Tenant.objects.filter(schema_name=name).first()
    if tenant is None or tenant.schema_name in (settings.PUBLIC_SCHEMA_NAME, settings.TEMPLATE_SCHEMA_NAME):
        raise BackupError(_("There is no company “%(name)s” (give its subdomain).") % {"name": name})
    return tenant


def _company_media(schema: str) -> list[Path]:
    """The company's folders: MEDIA_ROOT/<area>/<schema>/ (attachments, imports, ...)."""
    media = Path(settings.MEDIA_ROOT)
    return [area / schema for area in sorted(media.iterdir()) if (area / schema).is_dir()] if media.is_dir() else []


def _row(obj) -> dict[str, Any]:
    """The row's fields as JSON-ready values (a file field as its stored name)."""
    from django.db.models import FileField

    return {f.attname: (f.value_from_object(obj).name or "") if isinstance(f, FileField) else f.value_from_object(obj)
            for f in obj._meta.concrete_fields if f.attname != "id"}


def _public_rows(tenant: Tenant) -> dict[str, Any]:
    from billing.models import ModuleOverride, Subscription

    subscription = Subscription.objects.filter(tenant=tenant).select_related("plan").first()
    return {
        "tenant": _row(tenant),
        "subdomain": (tenant.get_primary_domain().domain.removesuffix("." + settings.BASE_DOMAIN)
                      if tenant.get_primary_domain() else None),
        "audit": [_row(e) for e in TenantAuditEntry.objects.filter(tenant=tenant).order_by("id")],
        "module_overrides": [_row(o) for o in ModuleOverride.objects.filter(tenant=tenant).order_by("id")],
        "subscription": {**_row(subscription), "plan_name": subscription.plan.name,
                         "modules": sorted(subscription.modules.values_list("key", flat=True))}
        if subscription else None,
    }


def backup_company(name: str, output: Path) -> Path:
    """One company: its schema (data and history), its shared rows and its files."""
    tenant = find_company(name)
    schema = tenant.schema_name
    with tempfile.TemporaryDirectory(prefix="crm-backup-") as tmp:
        folder = Path(tmp)
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--schema", schema,
              "--file", str(folder / "schema.dump")], _libpq_env())
        (folder / "public.json").write_text(json.dumps(_public_rows(tenant), cls=DjangoJSONEncoder, indent=2))
        for source in _company_media(schema):
            _copy_tree(source, folder / "media" / source.parent.name / schema)
        if tenant.logo and Path(tenant.logo.path).is_file():
            _copy_tree_file(Path(tenant.logo.path), folder / "media" / tenant.logo.name)
        (folder / "manifest.json").write_text(json.dumps(_manifest("company", schema=schema, name=tenant.name),
                                                         indent=2))
        return _write_archive(output, folder)


def _copy_tree_file(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, destination)


@dataclass
class RestoredCompany:
    tenant: Tenant
    host: str
    files: int


def _schema_dump_as(dump: Path, source: str, target: str, workdir: Path) -> Path:
    """``dump`` with its schema renamed from ``source`` to ``target``, via a scratch database."""
    if source == target:
        return dump
    scratch = f"crm_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        env = _libpq_env(scratch)
        _run([pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", scratch, str(dump)], env)
        _run([pg_tool("psql"), "-v", "ON_ERROR_STOP=1", "-q", "--single-transaction", "-c",
              f'ALTER SCHEMA "{source}" RENAME TO "{target}"', "-c", _repoint_files_sql(source, target)], env)
        renamed = workdir / "renamed.dump"
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--schema", target, "--file", str(renamed)], env)
        return renamed
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _repoint_files_sql(source: str, target: str) -> str:
    """SQL that points every stored file name at the new schema's folders (<area>/<schema>/...).

    Run in the scratch database, where this connection owns the tables: the history tables are
    append-only by trigger, and a restored copy's history must name the copy's files too."""
    from psycopg import sql

    def literal(value: str) -> str:
        return sql.Literal(value).as_string(None)

    pattern, replacement, like = literal(f"^([^/]+)/{source}/"), literal("\\1/" + target + "/"), literal(f"%/{source}/%")
    statements = []
    for table, column in _file_columns():
        t, c = sql.Identifier(target, table).as_string(None), sql.Identifier(column).as_string(None)
        statements += [
            f"ALTER TABLE {t} DISABLE TRIGGER USER",
            f"UPDATE {t} SET {c} = regexp_replace({c}, {pattern}, {replacement}) WHERE {c} LIKE {like}",
            f"ALTER TABLE {t} ENABLE TRIGGER USER",
        ]
    return ";\n".join(statements) or "SELECT 1"


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field in the company schema's tables."""
    from django.apps import apps
    from django.db.models import FileField

    tenant_apps = set(settings.TENANT_APPS)
    return [(model._meta.db_table, field.column) for model in apps.get_models()
            if model._meta.app_config.name in tenant_apps and not model._meta.proxy and model._meta.managed
            for field in model._meta.concrete_fields if isinstance(field, FileField)]


def _claim(subdomain: str, name: str) -> tuple[Tenant, str]:
    schema = schema_name_for(subdomain)
    host = f"{subdomain}.{settings.BASE_DOMAIN}"
    with transaction.atomic():
        if (Domain.objects.filter(domain=host).exists() or Tenant.objects.filter(schema_name=schema).exists()
                or schema_exists(schema)):
            raise subdomain_taken_error(subdomain)
        tenant = Tenant(schema_name=schema, name=name, status=Tenant.Status.PROVISIONING)
        tenant.save()
        Domain.objects.create(domain=host, tenant=tenant, is_primary=True)
    return tenant, host


def _discard(tenant: Tenant) -> None:
    connection.set_schema_to_public()  # django-tenants deletes a company row only from public
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
    tenant.auto_drop_schema = False  # dropped above, whatever state the restore left it in
    Domain.objects.filter(tenant=tenant).delete()
    tenant.delete(force_drop=False)


def _restore_public_rows(tenant: Tenant, rows: dict[str, Any], *, same_subdomain: bool) -> None:
    from billing.models import Module, ModuleOverride, Plan, Subscription

    def when(value):
        return parse_datetime(value) if isinstance(value, str) else value

    saved = rows["tenant"]
    for field in ("name", "trial_ends_at", "status_changed_at", "suspended_at", "suspended_reason",
                  "last_activity_at", "logo", "time_zone", "currency", "recycle_bin_days", "created_at"):
        value = saved.get(field)
        setattr(tenant, field, when(value) if field.endswith("_at") else value)
    for entry in rows["audit"]:
        made = TenantAuditEntry.objects.create(tenant=tenant, action=entry["action"], reason=entry["reason"],
                                               by=entry["by"])
        TenantAuditEntry.objects.filter(pk=made.pk).update(at=when(entry["at"]))  # auto_now_add on create
    known_modules = set(Module.objects.values_list("key", flat=True))
    for override in rows["module_overrides"]:
        if override["module_id"] in known_modules:
            ModuleOverride.objects.create(tenant=tenant, module_id=override["module_id"], enabled=override["enabled"],
                                          note=override["note"])
    if sub := rows["subscription"]:
        plan = Plan.objects.filter(name=sub["plan_name"]).first()
        if plan is None:
            raise BackupError(_("The plan “%(plan)s” of this company does not exist in this installation; create it "
                                "in the vendor console first.") % {"plan": sub["plan_name"]})
        # The Stripe subscriptions belong to the original company: a copy under another address
        # must not be billed (or cancelled) through them.
        keep = same_subdomain
        subscription = Subscription.objects.create(
            tenant=tenant, plan=plan, seats=sub["seats"], card_brand=sub["card_brand"], card_last4=sub["card_last4"],
            stripe_customer_id=sub["stripe_customer_id"] if keep else "",
            stripe_subscription_id=sub["stripe_subscription_id"] if keep else "",
            stripe_module_subscriptions=sub["stripe_module_subscriptions"] if keep else {},
            paid_since=when(sub["paid_since"]), current_period_start=when(sub["current_period_start"]),
            current_period_end=when(sub["current_period_end"]), cancel_at_period_end=sub["cancel_at_period_end"],
        )
        subscription.modules.set([key for key in sub["modules"] if key in known_modules])
    tenant.status = saved["status"]
    tenant.save()


def restore_company(archive: Path, subdomain: str | None = None) -> RestoredCompany:
    """A company backup, under ``subdomain`` (default: its original one), which must be free."""
    with _unpacked(archive, "company") as (folder, manifest):
        rows = json.loads((folder / "public.json").read_text())
        original = rows.get("subdomain")
        try:
            subdomain = validate_subdomain(subdomain or original or "")
        except ValidationError as exc:
            raise BackupError(" ".join(exc.messages)) from None
        try:
            tenant, host = _claim(subdomain, rows["tenant"]["name"])
        except ValidationError as exc:
            raise BackupError(" ".join(exc.messages)) from None
        try:
            dump = _schema_dump_as(folder / "schema.dump", manifest["schema"], tenant.schema_name, folder)
            _run([pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
                  "--dbname", _libpq_env()["PGDATABASE"], str(dump)], _libpq_env())
            files = _restore_media(folder / "media", manifest["schema"], tenant.schema_name)
            with transaction.atomic():
                _restore_public_rows(tenant, rows, same_subdomain=subdomain == original)
        except BaseException:
            _discard(tenant)
            raise
        return RestoredCompany(tenant=tenant, host=host, files=files)


def _restore_media(media: Path, source: str, target: str) -> int:
    """Copy the files into MEDIA_ROOT under the new schema's folders (the rows were repointed in
    _schema_dump_as)."""
    if not media.is_dir():
        return 0
    root = Path(settings.MEDIA_ROOT)
    count = 0
    for area in sorted(p for p in media.iterdir() if p.is_dir()):
        if (area / source).is_dir():
            count += _copy_tree(area / source, root / area.name / target)
        for path in area.iterdir():  # files outside a schema folder (the logo)
            if path.is_file():
                _copy_tree_file(path, root / area.name / path.name)
                count += 1
    return count
