"""Who may see, add and remove attachments: the "attachments" role permission plus the parent.

- see (list, download): ``view`` on attachments and the parent visible to the user;
- upload: ``create`` on attachments and the parent editable by the user;
- delete (to the recycle bin): ``delete`` on attachments and the parent editable;
- change the description: ``edit`` on attachments and the parent editable.

A parent the user may not see is answered with 404 by every entry point, like one that does
not exist; a missing role permission is a 403 naming it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from saas_core.attachments.models import Attachment
from saas_core.attachments.parents import ParentType, parent_type, parent_type_by_key
from saas_core.org.access import can, denial_message


def parent_of(attachment: Attachment) -> models.Model | None:
    """The live parent record (None when it is gone or in the recycle bin)."""
    model = attachment.parent_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=attachment.parent_id).first()


def may_see_parent(user, parent: models.Model | None) -> bool:
    kind = parent_type(parent) if parent is not None else None
    return kind is not None and kind.can_view(user, parent)


def may_edit_parent(user, parent: models.Model) -> bool:
    kind = parent_type(parent)
    return kind is not None and kind.can_edit(user, parent)


def can_view(user, attachment: Attachment) -> bool:
    return can(user, "attachments", "view") and may_see_parent(user, parent_of(attachment))


MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger id is "not found", not a database error


def find_parent(user, key: str, pk: int) -> tuple[ParentType, models.Model]:
    """The live parent ``user`` may see; anything else (another company's, out of scope, in the
    recycle bin, no such kind) is a 404."""
    kind = parent_type_by_key(key)
    parent = kind.model._default_manager.filter(pk=pk).first() if kind and 0 < pk <= MAX_ID else None
    if parent is None or not kind.can_view(user, parent):
        raise Http404
    return kind, parent


def find_attachment(user, pk: int) -> tuple[Attachment, models.Model]:
    """A live attachment whose parent ``user`` may see, and that parent; else a 404."""
    attachment = None
    if 0 < pk <= MAX_ID:
        attachment = Attachment.objects.select_related("parent_type", "created_by").filter(pk=pk).first()
    parent = parent_of(attachment) if attachment else None
    if parent is None or not may_see_parent(user, parent):
        raise Http404
    return attachment, parent


def can_change(user, parent: models.Model, action: str) -> bool:
    """``action`` (create, edit, delete) on the attachments of ``parent``."""
    return can(user, "attachments", action) and may_edit_parent(user, parent)


def require_change(user, parent: models.Model, action: str) -> None:
    """PermissionDenied naming the reason: the role's permission, or a parent the user may not change."""
    if not can(user, "attachments", action):
        raise PermissionDenied(denial_message(user, "attachments", action))
    if not may_edit_parent(user, parent):
        raise PermissionDenied(
            _("You may not change “%(record)s”, so you cannot change its attachments.") % {"record": parent}
        )
