"""Import jobs: upload → mapping → preview → confirm → run in batches (Celery) → report.

Web pages, the API, the Celery task and the benchmark all go through these functions.

Running (``run_job``) is safe to repeat: the job row records how many of the file's rows have
been committed (``processed_rows``); each batch runs in one transaction that first locks the job
row (``select_for_update``) and checks that count, so a retried or duplicated task continues
where the last committed batch ended and never imports a row twice.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import tempfile
from dataclasses import dataclass

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saas_core.imports import dbcopy, limits, readers, storage
from saas_core.imports.models import ImportBatch, ImportIssue, ImportJob, pack_lines, unpack_lines
from saas_core.imports.registry import Existing, Importer, Row, dump_values, fetch_records, get_importer, load_values
from saas_core.imports.xlsx import REQUIRED_HEADER, Sheet, write_xlsx
from saas_core.org.access import is_boss, require

log = logging.getLogger(__name__)

PREVIEW_ROWS = 20
MAX_UPLOAD_BYTES = int(getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 200 * 1024 * 1024))


# --- permissions ---------------------------------------------------------------------------------


def require_import(user, importer: Importer, duplicate_mode: str = ImportJob.DuplicateMode.SKIP) -> None:
    require(user, importer.module, "import")
    if duplicate_mode == ImportJob.DuplicateMode.UPDATE:
        require(user, importer.module, "edit")


def jobs_for(user):
    """The jobs ``user`` may see: their own; the Boss sees everyone's."""
    jobs = ImportJob.objects.select_related("created_by")
    return jobs if is_boss(user) else jobs.filter(created_by=user)


def can_download(user, job: ImportJob) -> bool:
    """The job's file and report: its creator and the Boss only."""
    return bool(getattr(user, "is_authenticated", False)) and (is_boss(user) or job.created_by_id == user.pk)


# --- upload, mapping, preview -------------------------------------------------------------------


def create_job(*, by, kind: str, upload, filename: str = "", duplicate_mode: str = "", mapping: dict | None = None,
               start: bool = False) -> ImportJob:
    """Store an uploaded file after the cheap checks (``limits.check_upload``: size, the zip's
    directory, the sheet's declared size); the worker reads it (``read_file``), then the job
    waits for mapping and confirmation, or starts at once when ``start`` and the mapping is whole.

    Nothing here parses the file: a hostile one cannot hold the web process. ``upload`` is a
    Django UploadedFile, a file object or bytes. Raises ValidationError for a file refused,
    PermissionDenied without the module's import right.
    """
    importer = get_importer(kind)
    mode = duplicate_mode or ImportJob.DuplicateMode.SKIP
    if mode not in ImportJob.DuplicateMode.values:
        raise ValidationError({"duplicate_mode": [_("Choose skip, update or create.")]})
    require_import(by, importer, mode)
    filename = filename or getattr(upload, "name", "") or "upload"
    size = getattr(upload, "size", None)
    if size is None and isinstance(upload, bytes | bytearray):
        size = len(upload)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1 << 20)}]})
    if not size and size is not None:
        raise ValidationError({"file": [_("The file is empty.")]})
    job = ImportJob(kind=kind, original_name=filename[:255], created_by=by, duplicate_mode=mode,
                    language=translation.get_language() or settings.LANGUAGE_CODE, status=ImportJob.Status.READING,
                    options={"mapping": mapping or None, "start": bool(start)})
    job.file = storage.save(storage.job_name(job.token, filename), upload)
    try:
        path = storage.path_of(job.file)
        with open(path, "rb") as fh:
            head = fh.read(8)
        job.file_format = readers.detect_format(filename, head)
        limits.check_upload(path, job.file_format)
    except (readers.UnreadableFile, limits.Refused) as exc:
        storage.delete(job.file)
        raise ValidationError({"file": [str(exc)]}) from None
    job.save()
    transaction.on_commit(lambda: enqueue_read(job))
    return job


def enqueue_read(job: ImportJob) -> None:
    from saas_core.imports.tasks import read_import_file

    result = read_import_file.delay(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=result.id or "")


def read_file(job_id: int) -> ImportJob:
    """The worker's part of an upload: the header, the first rows and the row estimate, read
    within ``limits.read_limits()``; then the mapping (given or proposed). A file that cannot be
    read or is beyond the limits fails the job with the reason, and is deleted. Safe to repeat."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportJob.Status.READING:
        return job
    importer = get_importer(job.kind)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            path = storage.path_of(job.file)
            if job.file_format == readers.CSV:
                job.encoding = readers.detect_encoding(path)
            with readers.open_table(path, job.file_format, job.encoding, limits.read_limits()) as table:
                job.headers = table.headers
                job.total_rows = table.estimated_rows or 0
                rows = []
                for row in table.rows:
                    if len(rows) >= PREVIEW_ROWS:
                        break
                    rows.append(_jsonable(row))
                header_row = table.header_row
        except readers.UnreadableFile as exc:
            storage.delete(job.file)
            ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READING).update(
                status=ImportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now(), file="",
            )
            job.refresh_from_db()
            return job
        given = (job.options or {}).get("mapping")
        start_now = bool((job.options or {}).get("start"))
        try:
            job.mapping = clean_mapping(importer, job.headers, given) if given else importer.propose_mapping(job.headers)
        except ValidationError:  # the person maps the columns on the page (or with ``start``) instead
            job.mapping, start_now = importer.propose_mapping(job.headers), False
        start_now = start_now and not missing_required(importer, job.mapping)
        job.options = {"preview": rows, "header_row": header_row}
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READING).update(
            status=ImportJob.Status.PENDING, headers=job.headers, total_rows=job.total_rows, encoding=job.encoding,
            mapping=job.mapping, options=job.options,
        )
    job.refresh_from_db()
    if updated and start_now:
        job = start(job, by=job.created_by)
    return job


def clean_mapping(importer: Importer, headers: list[str], mapping: dict) -> dict[str, int]:
    """Check a mapping {column key: header index or header text}; ValidationError naming the problems."""
    out: dict[str, int] = {}
    errors = []
    keys = {c.key for c in importer.columns}
    for key, target in (mapping or {}).items():
        if target in (None, "", -1, "-1"):
            continue
        if key not in keys:
            errors.append(_("“%(key)s” is not a column of this import.") % {"key": key})
            continue
        if isinstance(target, str) and not target.lstrip("-").isdigit():
            if target not in headers:
                errors.append(_("The file has no column “%(header)s”.") % {"header": target})
                continue
            index = headers.index(target)
        else:
            index = int(target)
        if not 0 <= index < len(headers):
            errors.append(_("Column %(n)s does not exist in the file.") % {"n": index + 1})
            continue
        out[key] = index
    used: dict[int, str] = {}
    for key, index in out.items():
        if index in used:
            errors.append(_("The file's column “%(header)s” is mapped twice.") % {"header": headers[index]})
        used[index] = key
    if errors:
        raise ValidationError({"mapping": errors})
    return out


def missing_required(importer: Importer, mapping: dict) -> list[str]:
    return [c.label for c in importer.columns if c.required and c.key not in mapping]


def set_mapping(job: ImportJob, *, by, mapping: dict, duplicate_mode: str | None = None) -> ImportJob:
    importer = get_importer(job.kind)
    _require_owner(by, job)
    if job.status != ImportJob.Status.PENDING:
        raise ValidationError(_("This import has already been started."))
    job.mapping = clean_mapping(importer, job.headers, mapping)
    if duplicate_mode:
        if duplicate_mode not in ImportJob.DuplicateMode.values:
            raise ValidationError({"duplicate_mode": [_("Choose skip, update or create.")]})
        require_import(by, importer, duplicate_mode)
        job.duplicate_mode = duplicate_mode
    job.save(update_fields=["mapping", "duplicate_mode"])
    return job


@dataclass
class PreviewRow:
    number: int
    cells: list  # [(value, problem or "")] in the importer's column order
    problems: list[str]
    duplicate: str = ""


def preview(job: ImportJob, limit: int = PREVIEW_ROWS) -> tuple[list, list[PreviewRow]]:
    """The first rows as the import will read them: columns, and per-cell problems and duplicates.
    The rows are those the worker read (``read_file``): the web process never opens the file."""
    importer = get_importer(job.kind)
    raw_rows = (job.options or {}).get("preview", [])[:limit]
    header_row = (job.options or {}).get("header_row", 1)
    ctx = importer.context(job)
    columns = [c for c in importer.columns if c.key in job.mapping]
    rows = []
    for offset, raw in enumerate(raw_rows):
        if _blank(raw):
            continue
        rows.append(importer.parse_row(Row(len(rows), header_row + 1 + offset, list(raw)), job.mapping, ctx))
    existing = importer.find_existing([r for r in rows if r.ok], ctx) if job.duplicate_mode != "create" else {}
    out = []
    for row in rows:
        cells = []
        for column in columns:
            index = job.mapping[column.key]
            value = row.raw[index] if index < len(row.raw) else None
            cells.append((readers_text(value), row.errors.get(column.key, "")))
        match = existing.get(row.index)
        out.append(PreviewRow(row.number, cells, list(row.errors.values()),
                              f"{match.label} ({match.reason})" if match else ""))
    return columns, out


def readers_text(value) -> str:
    from saas_core.imports.registry import as_text

    return as_text(value)


def _blank(raw) -> bool:
    return not any(v not in (None, "") and not (isinstance(v, str) and not v.strip()) for v in raw)


def _require_owner(user, job: ImportJob) -> None:
    if not can_download(user, job):
        raise PermissionDenied(_("Only the person who uploaded this file (or the Boss) may do this."))


# --- starting ---------------------------------------------------------------------------------


def start(job: ImportJob, *, by, enqueue: bool = True) -> ImportJob:
    """Confirm: queue the job for the worker (after commit)."""
    importer = get_importer(job.kind)
    _require_owner(by, job)
    require_import(by, importer, job.duplicate_mode)
    missing = missing_required(importer, job.mapping)
    if missing:
        raise ValidationError({"mapping": [_("Map a column of the file to: %(columns)s.") % {"columns": ", ".join(missing)}]})
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update(no_key=True).get(pk=job.pk)
        if locked.status == ImportJob.Status.READING:
            raise ValidationError(_("The file is still being read; try again in a moment."))
        if locked.status != ImportJob.Status.PENDING:
            return locked
        locked.status = ImportJob.Status.QUEUED
        locked.save(update_fields=["status"])
        if enqueue:
            transaction.on_commit(lambda: enqueue_job(locked))
    job.refresh_from_db()
    return job


def enqueue_job(job: ImportJob) -> None:
    from saas_core.imports.tasks import run_import

    result = run_import.delay(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=result.id or "")


# --- running ----------------------------------------------------------------------------------
#
# Two ways, one set of rules:
#
# - parallel (skip and create modes): ``run_job`` reads the file once and splits it into
#   ImportBatch rows, marking the rows that repeat an earlier valid row of the file; each batch is
#   then processed by its own task (``run_batch``), so the workers of a Celery node share the
#   work. Each batch commits its records, its issues, its "done" mark and the job's counts in one
#   transaction; the last one writes the report.
# - sequential (update mode, where a later row must see what an earlier row created): batch after
#   batch in ``run_job`` itself.
#
# Either way a retried or duplicated task does no harm: a batch that is done is not done again,
# and the split and the sequential run resume after the last committed line.


@contextlib.contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector while rows are parsed and saved.

    A batch builds tens of thousands of small objects that live until it ends (cells, values,
    model instances); the collector would walk them again and again, a good part of the CPU
    time of an import. Reference counting frees them as usual; the split collects the young
    generations after each batch, so a cycle made by accident cannot pile up.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class _Batch:
    start: int  # how many data lines of the file came before this batch
    lines: list  # [(row number, raw cells, same-as row number or None)] including blank lines
    end: int


def _parallel(job: ImportJob) -> bool:
    return bool(getattr(settings, "IMPORT_PARALLEL", True)) and job.duplicate_mode != ImportJob.DuplicateMode.UPDATE


def _prepare(job_id: int):
    """The job, its importer, and the reason it cannot run (or "")."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    importer = get_importer(job.kind)
    user = job.created_by
    if user is None or not user.is_active:
        return job, importer, _("The user who started this import no longer exists or is disabled.")
    try:
        require_import(user, importer, job.duplicate_mode)
    except PermissionDenied as exc:
        return job, importer, str(exc)
    return job, importer, ""


def run_job(job_id: int, *, enqueue_batch=None) -> ImportJob:
    """Process a queued (or interrupted) job; safe to call again at any time.

    In parallel mode each batch is handed to ``enqueue_batch(job_id, number)`` once its
    transaction commits; without it (tests, the command line) the batches run here, in order.
    """
    job, importer, problem = _prepare(job_id)
    if job.is_finished or job.status in (ImportJob.Status.PENDING, ImportJob.Status.READING):
        return job
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if problem:
            return _fail(job, problem)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.RUNNING, attempts=job.attempts + 1, started_at=job.started_at or timezone.now(),
        )
        job.refresh_from_db()
        ctx = importer.context(job)
        path = storage.path_of(job.file)
        try:
            with pghistory.context(user=job.created_by_id, import_job=job.pk), gc_paused(), \
                    readers.open_table(path, job.file_format, job.encoding, limits.read_limits()) as table:
                estimate = table.estimated_rows or job.total_rows
                if _parallel(job):
                    _split(job, importer, ctx, table, estimate, enqueue_batch)
                else:
                    _sequential(job, importer, ctx, table, estimate)
        except readers.UnreadableFile as exc:  # broken further on than the upload read: what was saved stays
            return _fail(job, str(exc))
        if not _parallel(job):
            _finish(job)
        elif enqueue_batch is None:
            for number in ImportBatch.objects.filter(job=job, done=False).values_list("number", flat=True):
                run_batch(job.pk, number)
    job.refresh_from_db()
    return job


def _sequential(job: ImportJob, importer: Importer, ctx: dict, table, estimate: int) -> None:
    done = job.processed_rows
    lines: list = []
    batch_start = done
    for offset, raw in enumerate(table.rows):
        if offset < done:  # committed by an earlier run of this job
            continue
        if not lines:
            batch_start = offset
        lines.append((table.header_row + 1 + offset, raw, None))
        if len(lines) >= importer.batch_size:
            _run_sequential_batch(job, importer, ctx, _Batch(batch_start, lines, offset + 1), estimate)
            lines = []
            gc.collect(1)
    if lines:
        _run_sequential_batch(job, importer, ctx, _Batch(batch_start, lines, batch_start + len(lines)), estimate)


def _run_sequential_batch(job: ImportJob, importer: Importer, ctx: dict, batch: _Batch, estimate: int) -> None:
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update(no_key=True).get(pk=job.pk)
        if locked.processed_rows >= batch.end or locked.is_finished:
            return  # another run committed it
        if locked.processed_rows != batch.start:
            raise RuntimeError(f"import job {job.pk}: batch starts at {batch.start}, job at {locked.processed_rows}")
        counts, issues = process_rows(importer, ctx, locked, batch.lines)
        _save_issues(issues)
        _count(locked, counts, batch.end - batch.start, estimate)


def _count(locked: ImportJob, counts: dict, lines: int, estimate: int | None) -> None:
    locked.processed_rows += lines
    locked.imported += counts["imported"]
    locked.updated += counts["updated"]
    locked.skipped += counts["skipped"]
    locked.rejected += counts["rejected"]
    seen = locked.imported + locked.updated + locked.skipped + locked.rejected
    locked.total_rows = max(estimate or 0, locked.total_rows, seen)
    locked.progress = min(99, int(100 * locked.processed_rows / max(estimate or 0, locked.processed_rows, 1)))
    locked.save(update_fields=["processed_rows", "imported", "updated", "skipped", "rejected", "total_rows", "progress"])


def _save_issues(issues: list[ImportIssue]) -> None:
    if issues:
        dbcopy.insert(ImportIssue, issues, with_id=False)


def _split(job: ImportJob, importer: Importer, ctx: dict, table, estimate: int, enqueue_batch) -> None:
    """Cut the file into batches (resuming after the last one saved), marking in-file duplicates."""
    skip_mode = job.duplicate_mode == ImportJob.DuplicateMode.SKIP
    seen: dict[str, int] = {}
    done = job.split_rows
    number = job.batches
    lines: list = []
    batch_start = done
    for offset, raw in enumerate(table.rows):
        row_number = table.header_row + 1 + offset
        if offset < done and not skip_mode:  # already in a batch saved by an earlier run
            continue
        same_as, row = None, None
        if not _blank(raw):  # each row is parsed once, here; the batch gets the values
            row = importer.parse_row(Row(0, row_number, list(raw)), job.mapping, ctx)
            if skip_mode and row.ok:
                keys = importer.duplicate_keys(row)
                same_as = next((seen[k] for k in keys if k in seen), None)
                if same_as is None:
                    for k in keys:
                        seen[k] = row_number
        if offset < done:
            continue
        if not lines:
            batch_start = offset
        if row is None:
            lines.append([row_number, _jsonable(raw), None])
        else:
            lines.append([row_number, _jsonable(raw), same_as, dump_values(row.values), row.errors or None])
        if len(lines) >= importer.batch_size:
            _save_batch(job, number, batch_start, lines, estimate, enqueue_batch, last=False)
            number += 1
            lines = []
            gc.collect(1)
    if lines:
        _save_batch(job, number, batch_start, lines, estimate, enqueue_batch, last=True)
    else:
        _save_batch(job, number, batch_start, [], estimate, enqueue_batch, last=True)


def _save_batch(job: ImportJob, number: int, start: int, lines: list, estimate: int, enqueue_batch, *, last: bool) -> None:
    finish = False
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update(no_key=True).get(pk=job.pk)
        if locked.split_done or locked.batches > number:
            return  # saved by an earlier run
        if lines:
            ImportBatch.objects.create(job=locked, number=number, start=start, payload=pack_lines(lines))
            locked.batches = number + 1
            locked.split_rows = start + len(lines)
            if enqueue_batch is not None:
                transaction.on_commit(lambda: enqueue_batch(job.pk, number))
        if last:
            locked.split_done = True
            locked.total_rows = max(locked.total_rows, locked.split_rows)
            finish = not ImportBatch.objects.filter(job=locked, done=False).exists()
        elif estimate:
            locked.total_rows = max(locked.total_rows, estimate)
        locked.save(update_fields=["batches", "split_rows", "split_done", "total_rows"])
    if finish:
        _finish(job)


def run_batch(job_id: int, number: int) -> ImportJob | None:
    """Process one batch of a parallel run (a task); the last batch to finish writes the report."""
    job, importer, problem = _prepare(job_id)
    if job.is_finished:
        return job
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if problem:
            return _fail(job, problem)
        ctx = importer.context(job)
        finish = False
        with pghistory.context(user=job.created_by_id, import_job=job.pk), transaction.atomic():
            # Only the batch's own row: ordering by the job would join (and lock) the job row too,
            # which made the split and the other batches wait for this whole transaction.
            batch = ImportBatch.objects.select_for_update(of=("self",)).filter(job=job, number=number).order_by().first()
            if batch is None or batch.done:
                return job
            with gc_paused():
                lines = unpack_lines(batch.payload)
                counts, issues = process_rows(importer, ctx, job, lines)
            _save_issues(issues)
            batch.done = True
            batch.payload = b""  # the rows are in the database or in the issues now
            batch.save(update_fields=["done", "payload"])
            # The foreign keys of the batch's rows are checked now, not at commit: the job row is
            # locked last and only briefly (batches run side by side), and without its key
            # (NO KEY UPDATE), so the other batches' checks of their issues' job never wait for it.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            locked = ImportJob.objects.select_for_update(no_key=True).get(pk=job.pk)
            _count(locked, counts, len(lines), locked.total_rows)
            finish = locked.split_done and not ImportBatch.objects.filter(job=job, done=False).exists()
        if finish:
            _finish(job)
    job.refresh_from_db()
    return job


def process_rows(importer: Importer, ctx: dict, job: ImportJob, lines: list) -> tuple[dict, list[ImportIssue]]:
    """Parse, de-duplicate and save one batch (inside the caller's transaction)."""
    counts = {"imported": 0, "updated": 0, "skipped": 0, "rejected": 0}
    issues: list[ImportIssue] = []
    rows: list[Row] = []
    same_as: dict[int, int] = {}
    fetch_records((line[3] for line in lines if len(line) > 3), ctx)
    for line in lines:
        number, raw, earlier = line[:3]
        if len(line) > 3:  # parsed when the file was split
            row = Row(len(rows), number, raw, load_values(line[3], ctx), dict(line[4] or {}))
        elif _blank(raw):
            continue
        else:
            row = importer.parse_row(Row(len(rows), number, list(raw)), job.mapping, ctx)
        if earlier is not None:
            same_as[row.index] = earlier
        rows.append(row)

    def reject(row: Row, reasons: list[str]) -> None:
        counts["rejected"] += 1
        issues.append(ImportIssue(job=job, row_number=row.number, outcome=ImportIssue.Outcome.REJECTED,
                                  reasons=reasons, values=_jsonable(row.raw)))

    def skip(row: Row, reason: str) -> None:
        counts["skipped"] += 1
        issues.append(ImportIssue(job=job, row_number=row.number, outcome=ImportIssue.Outcome.SKIPPED,
                                  reasons=[reason], values=_jsonable(row.raw)))

    valid = []
    for row in rows:
        if row.ok:
            valid.append(row)
        else:
            reject(row, list(row.errors.values()))
    mode = job.duplicate_mode

    def save(to_create: list[Row], to_update: list[tuple[Row, Existing]]) -> None:
        if to_create:
            failed = importer.create(to_create, ctx)
            for row in to_create:
                if row.index in failed:
                    reject(row, failed[row.index])
                else:
                    counts["imported"] += 1
        if to_update:
            failed = importer.update(to_update, ctx)
            for row, _existing in to_update:
                if row.index in failed:
                    reject(row, failed[row.index])
                else:
                    counts["updated"] += 1

    if mode == ImportJob.DuplicateMode.CREATE:
        save(valid, [])
    elif mode == ImportJob.DuplicateMode.SKIP:
        seen: dict[str, int] = {}
        fresh = []
        split = any(len(line) > 3 for line in lines)  # the split has marked the rows that repeat earlier ones
        for row in valid:
            earlier = same_as.get(row.index)
            if earlier is None and not split:
                keys = importer.duplicate_keys(row)
                earlier = next((seen[k] for k in keys if k in seen), None)
                if earlier is None:
                    for k in keys:
                        seen[k] = row.number
            if earlier is not None:
                skip(row, _("Same as row %(row)d of this file.") % {"row": earlier})
                continue
            fresh.append(row)
        existing = importer.find_existing(fresh, ctx)
        for row in fresh:
            if row.index in existing:
                match = existing[row.index]
                skip(row, _("Already exists: %(label)s (%(reason)s).") % {"label": match.label, "reason": match.reason})
        save([r for r in fresh if r.index not in existing], [])
    else:  # update: rows that repeat an earlier row of the same part wait for it to be saved first
        part: list[Row] = []
        seen_keys: set[str] = set()
        for row in [*valid, None]:
            keys = importer.duplicate_keys(row) if row is not None else []
            if row is None or any(k in seen_keys for k in keys):
                existing = importer.find_existing(part, ctx)
                save([r for r in part if r.index not in existing], [(r, existing[r.index]) for r in part if r.index in existing])
                part, seen_keys = [], set()
            if row is not None:
                part.append(row)
                seen_keys.update(keys)
    return counts, issues


_PLAIN_CELLS = frozenset((str, int, float, bool, type(None)))


def _jsonable(raw: list) -> list:
    """The cells as plain values (dates as text), for the batches and the report."""
    from saas_core.imports.registry import as_text

    if all(v.__class__ in _PLAIN_CELLS for v in raw):
        return raw
    return [v if v.__class__ in _PLAIN_CELLS or isinstance(v, int | float | str) else as_text(v) for v in raw]


def _finish(job: ImportJob) -> None:
    report = build_report(job)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update(no_key=True).get(pk=job.pk)
        if locked.is_finished:
            return
        locked.status = ImportJob.Status.DONE
        locked.progress = 100
        locked.total_rows = locked.imported + locked.updated + locked.skipped + locked.rejected
        locked.report = report
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "progress", "total_rows", "report", "finished_at"])


def _fail(job: ImportJob, message: str) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, error=message[:2000], finished_at=timezone.now(),
    )
    job.refresh_from_db()
    try:
        report = build_report(job)
        ImportJob.objects.filter(pk=job.pk).update(report=report)
    except Exception:  # the failure message matters more than the partial report
        log.exception("import job %s: could not write the partial report", job.pk)
    job.refresh_from_db()
    return job


def fail(job_id: int, message: str) -> ImportJob:
    job = ImportJob.objects.get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _fail(job, message)


def build_report(job: ImportJob) -> str:
    """The xlsx of every row not imported: its row number, outcome, reasons and the original cells
    (its storage name), or "" when every row was imported."""
    issues = job.issues.order_by("row_number")
    if not issues.exists():  # nothing to report: no link to an empty sheet (issue 14)
        if job.report:
            storage.delete(job.report)
        return ""
    header = [_("Row"), _("Result"), _("Reasons"), *job.headers]
    outcomes = dict(ImportIssue.Outcome.choices)

    def rows():
        for issue in issues.iterator(chunk_size=5000):
            yield [issue.row_number, str(outcomes.get(issue.outcome, issue.outcome)), "\n".join(issue.reasons), *issue.values]

    styles = [REQUIRED_HEADER] * 3 + [1] * len(job.headers)
    widths = [8, 12, 60, *[16] * len(job.headers)]
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as tmp:
        write_xlsx(tmp, [Sheet(_("Not imported"), header, rows(), widths=widths, header_styles=styles)])
        tmp_path = tmp.name
    try:
        with open(tmp_path, "rb") as fh:
            stem = os.path.splitext(storage.safe_filename(job.original_name))[0]
            old = job.report
            name = storage.save(storage.job_name(job.token, f"report-{stem}.xlsx"), fh)
            if old and old != name:
                storage.delete(old)
            return name
    finally:
        os.unlink(tmp_path)


# --- templates --------------------------------------------------------------------------------


def template_xlsx(importer: Importer, target) -> None:
    header = importer.template_header()
    styles = [REQUIRED_HEADER if c.required else 1 for c in importer.columns]
    write_xlsx(target, [Sheet(str(importer.label), header, importer.template_rows(), header_styles=styles)])


def status_payload(job: ImportJob) -> dict:
    """What the progress page polls (and the API returns)."""
    return {
        "id": job.pk, "kind": job.kind, "file": job.original_name, "status": job.status,
        "status_label": str(job.get_status_display()), "duplicate_mode": job.duplicate_mode,
        "total": job.total_rows, "processed": job.processed_rows, "imported": job.imported, "updated": job.updated,
        "skipped": job.skipped, "rejected": job.rejected, "progress": job.progress, "error": job.error,
        "has_report": bool(job.report), "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at, "seconds": job.seconds,
    }
