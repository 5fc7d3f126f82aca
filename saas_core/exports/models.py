"""One whole-company export (PLT-07): its progress, its archive and when the archive goes away.

The row lives in the company's schema and the archive under ``exports/<schema>/<token>/`` in the
default storage, so neither can be reached from another company; only the Boss's pages and API
serve it, until ``expires_at``, after which a periodic task deletes the file.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CompanyExport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    # True while queued or running, NULL after: the unique index allows one export at a time.
    in_progress = models.BooleanField(null=True, default=True, unique=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # percent
    step = models.CharField(_("step"), max_length=100, blank=True)
    file = models.CharField(_("file"), max_length=300, blank=True)  # storage name
    size = models.BigIntegerField(_("size"), default=0)
    counts = models.JSONField(_("records"), default=dict, blank=True)  # entity key -> rows
    language = models.CharField(max_length=10, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("company export")
        verbose_name_plural = _("company exports")

    def __str__(self) -> str:
        return f"export {self.token} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def downloadable(self) -> bool:
        return (self.status == self.Status.DONE and bool(self.file)
                and self.expires_at is not None and self.expires_at > timezone.now())
