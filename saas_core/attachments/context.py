"""What the file table and the upload form need, for the parent's panel and the full list page."""

from __future__ import annotations

from django.conf import settings

from saas_core.attachments import access
from saas_core.attachments.forms import AttachmentForm
from saas_core.attachments.serving import INLINE_TYPES


def listing(user, parent, upload_url: str, form: AttachmentForm | None = None) -> dict:
    may_upload = access.can_change(user, parent, "create")
    return {
        "parent": parent,
        "can_delete": access.can_change(user, parent, "delete"),
        "can_edit": access.can_change(user, parent, "edit"),
        "upload_form": form or (AttachmentForm() if may_upload else None),
        "upload_url": upload_url,
        "max_mb": settings.ATTACHMENT_MAX_MB,
        "preview_types": INLINE_TYPES,
    }


def panel(user, parent, key: str, *, rows: int = 10) -> dict | None:
    """A record page's attachment panel: the first ``rows`` files, the upload form, the link to all
    (None when the role may not see attachments). ``key`` is the parent's registered key."""
    from django.urls import reverse

    from saas_core.attachments.services import attachments_of
    from saas_core.org.access import can

    if not can(user, "attachments", "view"):
        return None
    url = reverse("attachments:list", args=[key, parent.pk])
    found = list(attachments_of(parent)[:rows + 1])
    return {**listing(user, parent, url), "attachments": found[:rows], "more": len(found) > rows, "all_url": url}
