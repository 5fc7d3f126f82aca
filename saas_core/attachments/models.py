"""Files attached to business records (customers now; contracts, products … later).

An attachment points at its parent with a generic foreign key (``parent_type``/``parent_id``),
so a new kind of parent needs no change here: the parent model declares

    attachments = GenericRelation("attachments.Attachment", content_type_field="parent_type",
                                  object_id_field="parent_id", related_query_name="<model name>")

(so attachments go to the recycle bin, come back and are purged with it) and registers who may
see and change it with ``saas_core.attachments.parents.register_parent``.

The file lives in the default storage under ``<tenant schema>/attachments/<yyyy>/<mm>/<random>``:
tenants never share a directory and the user's file name is never part of the path (it is kept
in ``name`` and given back on download).
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record


def _parents_scope(user) -> Q:
    from saas_core.attachments.parents import scope_q

    return scope_q(user)


def _purge_files(model, pks) -> None:
    from saas_core.attachments.services import delete_files_on_commit

    delete_files_on_commit(pks)


# Data scope (the recycle bin lists what a user may restore): a customer's attachments follow
# their customer's owner; ``shared`` adds those of every parent the user may see (shared
# customers, other kinds of parent), because the scope needs one owner path to start from.
@business_record(
    module="attachments", owner_field="customer__owner", label_field="name", shared=_parents_scope,
    before_purge=_purge_files,
)
class Attachment(BusinessRecord):
    parent_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    parent_id = models.BigIntegerField()
    parent = GenericForeignKey("parent_type", "parent_id")

    file = models.FileField(_("file"), max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    size = models.BigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["parent_type", "parent_id", "-created_at"], name="attachment_by_parent",
                         condition=Q(deleted_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.name

    # Who uploaded it and when are the record's creator and creation time.
    @property
    def uploaded_by(self):
        return self.created_by

    @property
    def uploaded_at(self):
        return self.created_at
