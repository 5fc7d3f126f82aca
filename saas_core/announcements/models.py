"""Announcements posted by the Boss, read by staff, with read receipts (SYS-02)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record


@business_record(module="announcements", label_field="title")
class Announcement(BusinessRecord):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="announcements",
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    expires_at = models.DateTimeField(_("visible until"), null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-pinned", "-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AnnouncementRead(models.Model):
    """A read receipt: who opened an announcement, and when (first time only)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read"), default=timezone.now)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="one_receipt_per_reader")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.announcement_id}"
