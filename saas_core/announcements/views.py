"""Announcement pages: everyone reads; posting, editing and deleting follow role permissions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from saas_core.announcements import services
from saas_core.announcements.forms import AnnouncementForm
from saas_core.announcements.models import Announcement
from saas_core.org.access import can, permission_required
from saas_core.records import bin as recycle_bin
from web.forms import add_service_errors
from web.pagination import paginate

MODULE = "announcements"


@permission_required(MODULE, "view")
def announcement_list(request: HttpRequest) -> HttpResponse:
    page, _size = paginate(request, services.current_for(request.user))
    return render(request, "announcements/list.html", {
        "page": page, "can_post": can(request.user, MODULE, "create"),
    })


@permission_required(MODULE, "view")
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(services.current_for(request.user), pk=pk)
    services.mark_read(announcement, request.user)
    return render(request, "announcements/detail.html", {
        "announcement": announcement,
        "can_edit": can(request.user, MODULE, "edit"),
        "can_delete": can(request.user, MODULE, "delete"),
        "can_see_receipts": can(request.user, MODULE, "create"),
    })


def _save(request: HttpRequest, announcement: Announcement | None) -> HttpResponse:
    form = AnnouncementForm(request.POST or None, instance=announcement)
    if request.method == "POST" and form.is_valid():
        try:
            if announcement is None:
                announcement = services.post(author=request.user, **form.cleaned_data)
            else:
                services.update(announcement, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The announcement has been saved."))
            return redirect("announcements:detail", pk=announcement.pk)
    title = _("New announcement") if announcement is None else _("Edit announcement")
    return render(request, "announcements/form.html", {"form": form, "title": title})


@permission_required(MODULE, "create")
def announcement_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@permission_required(MODULE, "edit")
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, get_object_or_404(Announcement, pk=pk))


@permission_required(MODULE, "delete")
def announcement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(Announcement, pk=pk)
    if request.method == "POST":
        recycle_bin.trash(announcement, by=request.user)
        messages.success(request, _("“%(title)s” has been moved to the recycle bin.") % {"title": announcement.title})
        return redirect("announcements:list")
    return render(request, "announcements/confirm_delete.html", {"announcement": announcement})


@permission_required(MODULE, "create")
def announcement_receipts(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(Announcement, pk=pk)
    rows = services.receipts(announcement)
    return render(request, "announcements/receipts.html", {
        "announcement": announcement, "rows": rows, "read_count": sum(1 for _u, at in rows if at),
    })

