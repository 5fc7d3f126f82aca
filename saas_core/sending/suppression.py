"""The company's suppression list: who may not be sent to, on which channel, and why.

Every send checks it (SMS, EDM, SFA steps, one-to-one mails): group sends filter it out and
count the skipped; one-to-one sends are refused with a message; a message queued before its
recipient was suppressed is skipped at delivery. Adding is idempotent (a unique row per channel
and address, ``ON CONFLICT DO NOTHING``), so an unsubscribe can never fail because the address
is already there, and two racing unsubscribes make one row. Unsubscribes, bounces and
complaints come from public endpoints and providers' callbacks: those calls pass no user.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from saas_core.org.access import require
from saas_core.sending import addresses
from saas_core.sending.models import Channel, Reason, Suppression

MODULE = "suppression"  # the permission module (saas_core.sending.permissions)


def suppress(channel: str, address: str, *, reason: str = Reason.MANUAL, by=None, note: str = "", source: str = "",
             detail=None, check_permission: bool = True) -> Suppression:
    """Put ``address`` on the list (or keep the entry it has: the first reason stays).

    ``by`` is the user who adds it by hand (needs the list's create right); system callers
    (an unsubscribe, a bounce) pass ``by=None``."""
    if by is not None and check_permission:
        require(by, MODULE, "create")
    if reason not in Reason.values:
        raise ValidationError({"reason": [_("Choose a reason from the list.")]})
    key = addresses.normalise(channel, address)
    entry = Suppression(channel=channel, address=key, reason=reason, note=(note or "").strip()[:200],
                        source=(source or "")[:100], detail=detail, created_by=by)
    with transaction.atomic():
        Suppression.objects.bulk_create([entry], ignore_conflicts=True)
    return Suppression.objects.get(channel=channel, address=key)


def lift(entry: Suppression, *, by, check_permission: bool = True) -> None:
    """Take an address off the list (it asked to receive messages again): needs the delete right
    (a module that checked its own right passes ``check_permission=False``)."""
    if check_permission:
        require(by, MODULE, "delete")
    Suppression.objects.filter(pk=entry.pk).delete()


def suppressed(channel: str, keys: Iterable[str]) -> set[str]:
    """The ones of these normalised addresses that are on the list (one query)."""
    keys = {k for k in keys if k}
    if not keys:
        return set()
    return set(Suppression.objects.filter(channel=channel, address__in=keys).values_list("address", flat=True))


def is_suppressed(channel: str, key: str) -> bool:
    return bool(key) and Suppression.objects.filter(channel=channel, address=key).exists()


def refuse(channel: str, key: str, shown: str | None = None, field: str | None = None) -> None:
    """Refuse a one-to-one send to an address on the list, with a message naming it."""
    if is_suppressed(channel, key):
        if channel == Channel.SMS:
            message = _("%(number)s has opted out of text messages; nothing was sent.") % {"number": shown or key}
        else:
            message = _("%(address)s is on the suppression list; nothing was sent.") % {"address": shown or key}
        raise ValidationError({field: [message]} if field else message)


def entries(channel: str = "", *, q: str = "", reason: str = "") -> QuerySet[Suppression]:
    """The list as the page, the API and the export show it, searched and filtered."""
    queryset = Suppression.objects.select_related("detail", "created_by")
    if channel:
        queryset = queryset.filter(channel=channel)
    if reason:
        queryset = queryset.filter(reason=reason)
    if q := (q or "").strip():
        queryset = queryset.filter(Q(address__icontains=q.lower()) | Q(note__icontains=q) | Q(source__icontains=q))
    return queryset


def counts() -> dict[str, int]:
    """How many entries per channel (the page's tabs)."""
    from django.db.models import Count

    found = dict(Suppression.objects.values_list("channel").annotate(n=Count("id")).values_list("channel", "n"))
    return {c: found.get(c, 0) for c in Channel.values}
