"""Import jobs (CUS-08): one uploaded file, its column mapping, its progress and its report.

An ``ImportJob`` lives in its tenant's schema; its files are stored under a path that carries
the schema (``imports/<schema>/<token>/...``, see ``saas_core.imports.storage``) and are only
ever served by views that check the job's tenant, its creator and the Boss.
"""

from __future__ import annotations

import marshal
import uuid
import zlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        READING = "reading", _("Reading the file")  # the worker reads the header and the first rows
        PENDING = "pending", _("Waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class DuplicateMode(models.TextChoices):
        SKIP = "skip", _("Skip duplicates")
        UPDATE = "update", _("Update the existing record")
        CREATE = "create", _("Import anyway")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("import of"), max_length=40)
    file = models.CharField(_("file"), max_length=300)  # storage name, see imports.storage
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)  # xlsx or csv
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    headers = models.JSONField(_("headers"), default=list)
    # column key -> index of the file's column (0-based); columns not mapped are absent.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    duplicate_mode = models.CharField(
        _("duplicates"), max_length=8, choices=DuplicateMode.choices, default=DuplicateMode.SKIP,
    )
    options = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)  # an estimate until the job is done
    processed_rows = models.PositiveIntegerField(default=0)  # rows whose batch has committed
    imported = models.PositiveIntegerField(_("imported"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # percent
    report = models.CharField(_("report"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Parallel runs: the file is split into batches (ImportBatch) that workers process side by side.
    split_rows = models.PositiveIntegerField(default=0)  # data lines already put into batches
    split_done = models.BooleanField(default=False)
    batches = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="importjob_by_user")]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class ImportBatch(models.Model):
    """Up to ``Importer.batch_size`` lines of the file, processed in one transaction by one task.

    ``lines`` are ``[row number, cells, same-as row number or None, parsed values, problems]``:
    the split parses each row once and marks the rows that repeat an earlier valid row of the
    file, so batches can run in any order. They are stored as ``payload``, zlib-compressed
    ``marshal`` data (plain lists, dicts, text and numbers only): a tenth of the size of JSON and
    several times faster both ways, which matters at 100,000 rows.
    """

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="batch_rows")
    number = models.PositiveIntegerField()
    start = models.PositiveIntegerField()  # data lines of the file before this batch
    payload = models.BinaryField(default=bytes)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["job", "number"]
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="one_batch_per_number")]

    def __str__(self) -> str:
        return f"{self.job_id}#{self.number}"

    @property
    def lines(self) -> list:
        return unpack_lines(self.payload)

    @lines.setter
    def lines(self, lines: list) -> None:
        self.payload = pack_lines(lines)


def pack_lines(lines: list) -> bytes:
    return zlib.compress(marshal.dumps(lines), 1) if lines else b""


def unpack_lines(payload) -> list:
    # marshal only builds plain data (never runs code), and only this module writes the column.
    return marshal.loads(zlib.decompress(payload)) if payload else []  # noqa: S302


class ImportIssue(models.Model):
    """A row that was not imported (rejected, or skipped as a duplicate), with why: the report."""

    class Outcome(models.TextChoices):
        REJECTED = "rejected", _("Rejected")
        SKIPPED = "skipped", _("Skipped")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row_number = models.PositiveIntegerField()  # as the spreadsheet numbers it (header = 1)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reasons = models.JSONField(default=list)
    values = models.JSONField(default=list)  # the row's cells as read

    class Meta:
        ordering = ["job", "row_number"]
        constraints = [models.UniqueConstraint(fields=["job", "row_number"], name="one_issue_per_row")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row_number} {self.outcome}"
