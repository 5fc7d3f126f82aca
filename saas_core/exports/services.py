"""The whole-company export (PLT-07): every business record and the company's setup, as one zip.

The archive holds one xlsx per entity (headers in the Boss's language, dates in the company's
time zone), ``data.json`` with the same rows as JSON (field names and raw values, for machines),
and the attachments' files under ``files/``. The entities are every business record registered
with ``saas_core.records.registry`` plus the setup tables in ``SETUP_MODELS``; rows in the
recycle bin are included (their ``deleted_at`` says so). Passwords and login secrets are not.

``start`` is the one entry point (page, API): the Boss only, one export at a time (a unique
index, not a check), built by the Celery task ``build_export`` once the row commits. Downloads
are the Boss's only, until ``expires_at`` (``EXPORT_LINK_HOURS``); ``delete_expired`` (hourly)
removes the files after that.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saas_core.exports.models import CompanyExport
from saas_core.imports.xlsx import Sheet, write_xlsx
from saas_core.records.registry import record_types
from saas_core.tenancy import company_zone

log = logging.getLogger(__name__)

ROOT = "exports"
# The company's setup and relations that are not business records themselves.
SETUP_MODELS = (
    "accounts.user", "org.department", "org.rolesetting", "dictionaries.dictionarytype",
    "dictionaries.dictionaryitem", "customers.customershare", "activities.taskassignment",
    "activities.reportreply", "pools.pool", "pools.reclaimrule", "pools.poolentry",
)
SECRET_FIELDS = frozenset({"password"})
# Small tables whose names the spreadsheets show next to the id of a row pointing at them
# (the owner's name, the industry's label); data.json keeps the ids only.
LABELLED = ("accounts.user", "dictionaries.dictionaryitem", "org.department")
# Large tables (a million customers): their names are looked up per chunk of rows instead.
LOOKED_UP = ("customers.customer", "customers.contact")
CHUNK = 2000
S = CompanyExport.Status


def entities() -> list[type[models.Model]]:
    """The models an export contains: business records first, then the setup, each once."""
    found: list[type[models.Model]] = [rt.model for rt in record_types()]
    for label in SETUP_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model not in found:
            found.append(model)
    return found


def folder(schema: str | None = None) -> str:
    schema = schema or connection.schema_name
    if not re.fullmatch(r"[a-z0-9_]+", schema or ""):
        raise SuspiciousFileOperation(f"unexpected schema name {schema!r}")
    return f"{ROOT}/{schema}"


def _check_boss(user) -> None:
    if not (user and user.is_authenticated and user.is_boss):
        raise PermissionDenied(_("Only the Boss may export the whole company's data."))


def start(user, *, language: str = "") -> CompanyExport:
    """Queue an export of the current company for its Boss; refused while another one runs."""
    from saas_core.exports.tasks import build_export

    _check_boss(user)
    try:
        with transaction.atomic():
            export = CompanyExport.objects.create(created_by=user, language=language or translation.get_language() or "")
            transaction.on_commit(lambda: build_export.delay(export.pk))
    except IntegrityError:
        raise ValidationError(_("An export is already being built; wait until it is ready.")) from None
    return export


def visible_to(user):
    """The exports the Boss may see (everyone else: none)."""
    _check_boss(user)
    return CompanyExport.objects.all()


def download(user, token) -> tuple[CompanyExport, File]:
    """The archive of one of this company's exports, for its Boss, while it is available."""
    _check_boss(user)
    export = CompanyExport.objects.filter(token=token).first()
    if export is None or not export.downloadable:
        raise CompanyExport.DoesNotExist
    if not export.file.startswith(folder() + "/") or ".." in Path(export.file).parts:
        raise PermissionDenied("this file belongs to another workspace")
    return export, default_storage.open(export.file, "rb")


# --- building ------------------------------------------------------------------------------------


def build(export_id: int) -> CompanyExport | None:
    """Build the archive (the task's body). Idempotent: a finished export is left alone; one whose
    worker died is built again from the start."""
    with transaction.atomic():
        export = CompanyExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.is_finished:
            return export
        export.status, export.progress, export.step = S.RUNNING, 0, ""
        export.save(update_fields=["status", "progress", "step"])
    try:
        with translation.override(export.language or settings.LANGUAGE_CODE), timezone.override(company_zone()):
            name, size, counts = _write_archive(export)
    except Exception as exc:
        log.exception("company export %s failed", export.pk)
        CompanyExport.objects.filter(pk=export.pk).update(
            status=S.FAILED, in_progress=None, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    now = timezone.now()
    CompanyExport.objects.filter(pk=export.pk).update(
        status=S.DONE, in_progress=None, progress=100, step="", file=name, size=size, counts=counts,
        finished_at=now, expires_at=now + timedelta(hours=settings.EXPORT_LINK_HOURS))
    export.refresh_from_db()
    return export


def _progress(export: CompanyExport, done: int, total: int, step: str) -> None:
    CompanyExport.objects.filter(pk=export.pk).update(progress=min(99, done * 100 // max(total, 1)), step=step[:100])


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in SECRET_FIELDS]


def _title(field: models.Field) -> str:
    label = str(field.verbose_name)
    return label[:1].upper() + label[1:]


def _header(field: models.Field) -> str:
    return f"{_title(field)} (ID)" if field.is_relation else _title(field)


def _cell(value):
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    if hasattr(value, "hex") and not isinstance(value, bytes | int | float | str):  # UUID
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _write_archive(export: CompanyExport) -> tuple[str, int, dict[str, int]]:
    from tenants.models import Tenant

    models_ = entities()
    total = len(models_) + 2
    counts: dict[str, int] = {}
    tenant = Tenant.objects.get(schema_name=connection.schema_name)
    labels = _labels()
    with tempfile.TemporaryDirectory(prefix="crm-export-") as tmp:
        work = Path(tmp)
        archive_path = work / "export.zip"
        json_parts: list[Path] = []
        with zipfile.ZipFile(archive_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for number, model in enumerate(models_):
                key = model._meta.label_lower
                _progress(export, number, total, str(model._meta.verbose_name_plural))
                counts[key] = _write_entity(model, work / f"{key}.xlsx", work / f"{key}.json", labels)
                zf.write(work / f"{key}.xlsx", f"{key}.xlsx")
                (work / f"{key}.xlsx").unlink()
                json_parts.append(work / f"{key}.json")
            _progress(export, len(models_), total, _("Attachment files"))
            counts["files"] = _write_files(zf)
            _progress(export, len(models_) + 1, total, "data.json")
            with zf.open("data.json", "w", force_zip64=True) as raw:
                head = {"format": 1, "exported_at": timezone.now().isoformat(), "company": {
                    "name": tenant.name, "workspace": tenant.schema_name, "status": tenant.status,
                    "currency": tenant.currency, "time_zone": tenant.time_zone}}
                raw.write(json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "entities": {')
                for index, part in enumerate(json_parts):
                    raw.write(("," if index else "") .encode() + json.dumps(part.stem).encode() + b": [")
                    with part.open("rb") as src:
                        shutil.copyfileobj(src, raw, 1 << 20)
                    raw.write(b"]")
                raw.write(b"}}")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"{folder()}/{export.token}/{tenant.schema_name.removeprefix('t_')}-export-{stamp}.zip"
        with archive_path.open("rb") as src:
            stored = default_storage.save(name, File(src))
        return stored, default_storage.size(stored), counts


def _labels() -> dict[type[models.Model], dict]:
    """{model: {pk: label}} of the ``LABELLED`` tables, read once per export."""
    found = {}
    for label in LABELLED:
        model = apps.get_model(label)
        found[model] = {obj.pk: str(obj) for obj in model._base_manager.all()}
    return found


def _chunks(rows):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _names_of(model: type[models.Model], pks: set) -> dict:
    return dict(model._base_manager.filter(pk__in=pks).values_list("pk", "name")) if pks else {}


def _write_entity(model: type[models.Model], xlsx_path: Path, json_path: Path,
                  labels: dict[type[models.Model], dict] | None = None) -> int:
    labels = labels or {}
    fields = _fields(model)
    names = [f.attname for f in fields]
    # (column index, its labels) for the foreign keys to a labelled table
    named = [(i, labels[f.related_model]) for i, f in enumerate(fields)
             if f.is_relation and f.related_model in labels]
    looked_up = [(i, f.related_model) for i, f in enumerate(fields)
                 if f.is_relation and f.related_model._meta.label_lower in LOOKED_UP]
    header = ([_header(f) for f in fields] + [_title(fields[i]) for i, _names in named]
              + [_title(fields[i]) for i, _model in looked_up])
    rows = model._base_manager.order_by("pk").values_list(*names).iterator(chunk_size=CHUNK)
    with json_path.open("w", encoding="utf-8") as out:
        first = [True]

        def sheet_rows():
            for chunk in _chunks(rows):
                found = [_names_of(related, {row[i] for row in chunk} - {None}) for i, related in looked_up]
                for row in chunk:
                    out.write(("" if first[0] else ",") + json.dumps(dict(zip(names, row, strict=True)),
                                                                      ensure_ascii=False, cls=DjangoJSONEncoder))
                    first[0] = False
                    yield ([_cell(v) for v in row] + [table.get(row[i], "") for i, table in named]
                           + [table.get(row[i], "") for (i, _model), table in zip(looked_up, found, strict=True)])

        return write_xlsx(xlsx_path, [Sheet(str(model._meta.verbose_name_plural), header, sheet_rows())])


def _write_files(zf: zipfile.ZipFile) -> int:
    from saas_core.attachments.models import Attachment

    count = 0
    for pk, stored, name in Attachment._base_manager.order_by("pk").values_list("pk", "file", "name").iterator():
        if not stored:
            continue
        try:
            src = default_storage.open(stored, "rb")
        except (FileNotFoundError, OSError):
            log.warning("attachment %s: file %s is missing", pk, stored)
            continue
        with src, zf.open(f"files/{pk}_{Path(name).name}", "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        count += 1
    return count


# --- expiry --------------------------------------------------------------------------------------


def delete_expired(now=None) -> int:
    """Remove the archives whose time is up (this company); the rows stay, marked expired."""
    now = now or timezone.now()
    count = 0
    for export in CompanyExport.objects.filter(status=S.DONE, expires_at__lte=now):
        if export.file.startswith(folder() + "/"):
            default_storage.delete(export.file)
        CompanyExport.objects.filter(pk=export.pk).update(status=S.EXPIRED, file="")
        count += 1
    return count
