"""Reading the send log: a sender reads their own messages, superiors those of the people under
them (the ``superior`` chain, and a manager's department by the role's data scope); the Boss
reads every message. Nobody deletes any (see ``models.SmsMessage``)."""

from __future__ import annotations

from django.db.models import QuerySet

from plugins.sms.models import SmsMessage
from saas_core.org.access import data_scope, is_boss
from saas_core.org.scope import subordinate_ids, visible_user_ids


def readable_sender_ids(user) -> frozenset[int] | None:
    """Whose messages ``user`` may read; None means everyone's (the Boss)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if is_boss(user):
        return None
    ids = {user.pk} | subordinate_ids(user.pk)
    if data_scope(user) != "all":  # "all" (e.g. customer service) sees customers, not colleagues' texts
        ids |= set(visible_user_ids(user) or ())
    return frozenset(ids)


def log_for(user) -> QuerySet[SmsMessage]:
    qs = SmsMessage.objects.select_related("sender", "customer", "contact", "batch")
    ids = readable_sender_ids(user)
    return qs if ids is None else qs.filter(sender_id__in=ids)
