"""Batch actions on ticked business records of a list: transfer to someone, move to the recycle bin.

Every owned business record's list offers the same two (opportunities, quotes ...); the rules are
the same too, so they live here once: the ids the user ticked, narrowed to their data scope; the
module's "edit" action to transfer and "delete" to bin; a transfer all or nothing, locked, within
the data scope; the bin through ``records.bin``. What differs per record type are the words,
given by the caller (message ids stay in the app, with its plural forms)::

    words = BatchWords(none_ticked=_("Tick at least one quote first."), ...)
    return batch_view(request, module="quotes", queryset=services.quotes_for(request.user),
                      words=words, back=next_url(request, reverse("quotes:list")))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from saas_core.org.access import require
from saas_core.org.scope import visible_user_ids
from saas_core.records import bin as recycle_bin
from saas_core.records.registry import record_type

BATCH_MAX = 500


@dataclass(frozen=True)
class BatchWords:
    none_ticked: str  # "Tick at least one quote first."
    no_action: str  # "Choose what to do with the ticked quotes."
    none_chosen: str  # "Choose at least one quote." (the service's field error)
    outside_scope: str  # "You may only transfer quotes within your data scope."
    transferred: Callable[[int], str]  # n -> "3 quotes transferred."
    binned: Callable[[int], str]  # n -> "3 quotes moved to the recycle bin."


def transfer(records: Iterable[Model], to_user, *, by, module: str, words: BatchWords) -> int:
    """Give ``records`` (all within ``by``'s data scope) to ``to_user``; all or nothing. Returns how
    many changed hands (those already theirs are left alone)."""
    require(by, module, "edit")
    if to_user is None or not to_user.is_active:
        raise ValidationError({"to_user": [_("Choose an enabled user who receives them.")]})
    records = list(records)
    ids = sorted({r.pk for r in records})
    if not ids:
        raise ValidationError({"ids": [words.none_chosen]})
    model = type(records[0])
    owner = record_type(model).owner_field
    with transaction.atomic():
        locked = list(model._default_manager.select_for_update().filter(pk__in=ids).order_by("pk"))
        scope = visible_user_ids(by)
        owner_attr = model._meta.get_field(owner).attname
        if scope is not None and any(getattr(r, owner_attr) not in scope for r in locked):
            raise PermissionDenied(words.outside_scope)
        moving = [r.pk for r in locked if getattr(r, owner_attr) != to_user.pk]
        model._default_manager.filter(pk__in=moving).update(**{owner: to_user, "updated_at": timezone.now()})
    return len(moving)


def ticked(request: HttpRequest, queryset: QuerySet) -> list[Model]:
    """The records whose ids the form posted, among ``queryset`` (the user's scope), at most BATCH_MAX."""
    ids = [int(raw) for raw in request.POST.getlist("ids")[:BATCH_MAX] if raw.isdigit()]
    return list(queryset.filter(pk__in=ids).order_by("pk"))


def batch_view(request: HttpRequest, *, module: str, queryset: QuerySet, words: BatchWords, back: str,
               trash: Callable | None = None) -> HttpResponse:
    """Run the posted action on the ticked records and go back to the list with what happened.
    ``trash(record, by=)``: how one record goes to the recycle bin when that does more than
    ``records.bin.trash`` (a payment's installments stop counting it)."""
    from saas_core.accounts.models import User

    chosen = ticked(request, queryset)
    action = request.POST.get("action", "")
    if not chosen:
        messages.error(request, words.none_ticked)
        return redirect(back)
    try:
        if action == "transfer":
            raw = str(request.POST.get("to_user", ""))
            to_user = User.objects.filter(pk=raw, is_active=True).first() if raw.isdigit() else None
            moved = transfer(chosen, to_user, by=request.user, module=module, words=words)
            messages.success(request, words.transferred(moved))
        elif action == "delete":
            require(request.user, module, "delete")
            with transaction.atomic():
                for record in chosen:
                    (trash or recycle_bin.trash)(record, by=request.user)
            messages.success(request, words.binned(len(chosen)))
        else:
            messages.error(request, words.no_action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)
