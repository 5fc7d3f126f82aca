"""The base of every business record, and the recycle bin's entries."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class LiveManager(models.Manager):
    """The default manager: records in the recycle bin are never returned."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class BusinessRecord(models.Model):
    """Abstract base: timestamps, creator and the recycle-bin marks.

    Unique constraints on subclasses must carry ``condition=Q(deleted_at__isnull=True)`` so a
    record in the bin does not block a new one with the same value.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, db_index=True, editable=False)
    bin_entry = models.ForeignKey(
        "records.BinEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
    )

    objects = LiveManager()
    all_objects = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        abstract = True
        base_manager_name = "all_objects"


class BinEntry(models.Model):
    """One deletion: a record and the dependants that went to the bin with it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("type"))
    object_id = models.BigIntegerField()
    label = models.CharField(_("record"), max_length=300)
    dependants = models.PositiveIntegerField(_("dependants"), default=0)
    deleted_at = models.DateTimeField(_("deleted"), auto_now_add=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("deleted by"), null=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("recycle bin entry")
        verbose_name_plural = _("recycle bin")
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return self.label
