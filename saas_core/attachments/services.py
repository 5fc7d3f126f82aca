"""Attachment operations; the web pages and the API both call these.

- ``upload``: checks the rights, the size (``settings.ATTACHMENT_MAX_MB``) and that the file is
  not empty, stores it under the tenant's own directory with a random name, records it;
- ``delete``: to the recycle bin (the file stays until the entry is purged, so a restore
  brings it back); a purge removes the file from storage once the purge has committed;
- ``storage_used``: bytes the company's files take, those in the recycle bin included;
- ``sweep_orphan_files``: files no row names (an upload whose transaction rolled back after the
  file was stored, a process that died in between) are removed once they are a day old.
"""

from __future__ import annotations

import logging
import mimetypes
import unicodedata
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from saas_core.attachments.access import require_change
from saas_core.attachments.models import Attachment
from saas_core.attachments.parents import parent_type
from saas_core.records import bin as recycle_bin

log = logging.getLogger(__name__)

NAME_MAX = 255
DESCRIPTION_MAX = Attachment._meta.get_field("description").max_length


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_MB * 1024 * 1024


def clean_name(raw: str) -> str:
    """The user's file name without any folder part or control characters, at most 255 characters
    (the extension kept); what downloads are named, never a storage path."""
    name = unicodedata.normalize("NFC", str(raw or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if not name:
        return "file"
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        ext = dot + ext if dot and len(ext) <= 16 else ""
        name = (stem if ext else name)[: NAME_MAX - len(ext)] + ext
    return name


def content_type_of(name: str, declared: str | None) -> str:
    """From the file name's extension first (what the browser claims may be anything), else the
    declared type when it looks like one, else application/octet-stream."""
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    if guessed:
        return guessed
    declared = (declared or "").split(";")[0].strip().lower()
    if declared.count("/") == 1 and len(declared) <= 100 and declared.isascii() and " " not in declared:
        return declared
    return "application/octet-stream"


def tenant_folder() -> str:
    """attachments/<schema>: the current company's files, and only its, are below it."""
    schema = connection.schema_name
    if not schema or schema == settings.PUBLIC_SCHEMA_NAME:
        raise RuntimeError("attachments are stored for a tenant; no tenant schema is active")
    return f"attachments/{schema}"


def storage_path() -> str:
    """attachments/<schema>/<yyyy>/<mm>/<random>: per tenant, never the user's file name."""
    today = timezone.now()
    return f"{tenant_folder()}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}"


def _check_file(file: UploadedFile | None) -> str:
    if file is None:
        raise ValidationError({"file": [_("Choose a file to upload.")]})
    name = clean_name(file.name)
    if not file.size:
        raise ValidationError({"file": [_("“%(name)s” is empty; choose a file with content.") % {"name": name}]})
    if file.size > max_bytes():
        raise ValidationError({"file": [
            _("“%(name)s” is %(size)s; files may be at most %(limit)s MB.")
            % {"name": name, "size": filesizeformat(file.size), "limit": settings.ATTACHMENT_MAX_MB}
        ]})
    return name


def _check_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError({"description": [
            _("The description may be at most %(max)d characters (it has %(length)d).")
            % {"max": DESCRIPTION_MAX, "length": len(description)}
        ]})
    if "\x00" in description:
        raise ValidationError({"description": [_("Null characters are not allowed.")]})
    return description


def upload(parent: models.Model, file: UploadedFile | None, *, by, description: str = "") -> Attachment:
    """Attach ``file`` to ``parent`` (a registered kind of parent) as ``by``."""
    if parent_type(parent) is None:
        raise TypeError(f"{type(parent).__name__} does not take attachments; register it with register_parent")
    if getattr(parent, "deleted_at", None) is not None:
        raise ValidationError(_("“%(record)s” is in the recycle bin; restore it first.") % {"record": parent})
    require_change(by, parent, "create")
    name = _check_file(file)
    description = _check_description(description)
    stored = default_storage.save(storage_path(), file)
    try:
        with transaction.atomic():
            return Attachment.objects.create(
                parent_type=ContentType.objects.get_for_model(type(parent)), parent_id=parent.pk, file=stored,
                name=name, size=file.size, content_type=content_type_of(name, getattr(file, "content_type", None)),
                description=description, created_by=by,
            )
    except BaseException:
        default_storage.delete(stored)
        raise


def update_description(attachment: Attachment, description: str, *, by, parent: models.Model) -> Attachment:
    require_change(by, parent, "edit")
    attachment.description = _check_description(description)
    attachment.save(update_fields=["description", "updated_at"])
    return attachment


def delete(attachment: Attachment, *, by, parent: models.Model) -> None:
    """Move ``attachment`` to the recycle bin; its file is kept until the bin entry is purged."""
    require_change(by, parent, "delete")
    recycle_bin.trash(attachment, by=by)


def attachments_of(parent: models.Model):
    """``parent``'s live attachments, newest first, with their uploaders."""
    return Attachment.objects.filter(
        parent_type=ContentType.objects.get_for_model(type(parent)), parent_id=parent.pk,
    ).select_related("created_by").order_by("-created_at", "-id")


def storage_used() -> int:
    """Bytes the current company's files take (the recycle bin's included: their files are kept)."""
    return Attachment.all_objects.aggregate(total=Sum("size"))["total"] or 0


def delete_files_on_commit(pks) -> None:
    """Once the surrounding purge commits, remove these attachments' files from storage."""
    names = [n for n in Attachment.all_objects.filter(pk__in=list(pks)).values_list("file", flat=True) if n]

    def remove() -> None:
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:  # the row is gone either way; a leftover file is only disk space
                log.warning("could not delete attachment file %s", name, exc_info=True)

    if names:
        transaction.on_commit(remove)


ORPHAN_AGE = timedelta(days=1)  # younger files may belong to an upload still committing


def _folders(root: str):
    """``root`` and every folder below it in the default storage (missing: none)."""
    try:
        folders, _files = default_storage.listdir(root)
    except (FileNotFoundError, NotADirectoryError):
        return
    yield root
    for name in folders:
        yield from _folders(f"{root}/{name}")


def sweep_orphan_files(now: datetime | None = None) -> int:
    """Remove the company's stored files that no attachment row names, older than a day."""
    cutoff = (now or timezone.now()) - ORPHAN_AGE
    removed = 0
    for folder in _folders(tenant_folder()):
        _subfolders, files = default_storage.listdir(folder)
        names = {f"{folder}/{name}" for name in files}
        if not names:
            continue
        known = set(Attachment.all_objects.filter(file__in=names).values_list("file", flat=True))
        for name in sorted(names - known):
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                removed += 1
    return removed
