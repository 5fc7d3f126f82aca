"""Recycle bin and data log pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas_core.accounts.permissions import boss_required
from saas_core.org.access import has_right
from saas_core.records import bin as recycle_bin
from saas_core.records.history import history_of
from saas_core.records.models import BinEntry
from saas_core.records.registry import record_type_by_key


def _restorable(user, entry: BinEntry) -> bool:
    return entry.pk in {e.pk for e in recycle_bin.visible_entries(user)}


def _may_purge(user) -> bool:
    return has_right(user, "purge_recycle_bin")


@login_required
def bin_list(request: HttpRequest) -> HttpResponse:
    """Entries of the kinds of record the user may delete (and so restore)."""
    entries = recycle_bin.visible_entries(request.user)
    page = Paginator(entries, 20).get_page(request.GET.get("page"))
    for entry in page:
        entry.type_label = recycle_bin.type_label(entry)
    return render(request, "records/bin.html", {"page": page, "may_purge": _may_purge(request.user)})


def _entry_for(request: HttpRequest, pk: int) -> BinEntry:
    entry = get_object_or_404(BinEntry.objects.select_related("content_type"), pk=pk)
    if not _restorable(request.user, entry):
        raise PermissionDenied(_("Your role may not restore or delete this kind of record."))
    return entry


@login_required
@require_POST
def bin_restore(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_for(request, pk)
    try:
        recycle_bin.restore(entry, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(record)s” has been restored.") % {"record": entry.label})
    return redirect("records:bin")


@login_required
def bin_purge(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_purge(request.user):
        raise PermissionDenied(_("Only the Boss may delete records for good."))
    entry = get_object_or_404(BinEntry, pk=pk)
    if request.method == "POST":
        try:
            recycle_bin.purge(entry, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("“%(record)s” has been deleted for good.") % {"record": entry.label})
        return redirect("records:bin")
    return render(request, "records/confirm_purge.html", {"entry": entry})


@login_required
def bin_empty(request: HttpRequest) -> HttpResponse:
    if not _may_purge(request.user):
        raise PermissionDenied(_("Only the Boss may empty the recycle bin."))
    if request.method == "POST":
        count = recycle_bin.empty(by=request.user)
        messages.success(request, _("The recycle bin has been emptied (%(count)d entries).") % {"count": count})
        return redirect("records:bin")
    return render(request, "records/confirm_empty.html", {"count": BinEntry.objects.count()})


@boss_required
def record_history(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    rt = record_type_by_key(key)
    if rt is None:
        raise Http404
    obj = get_object_or_404(rt.model.all_objects, pk=pk)
    return render(request, "records/history.html", {"object": obj, "log": history_of(obj), "record_label": rt.label_of(obj)})
