"""Attachment pages: a parent's files (paginated) and upload, download, a description's edit,
delete with confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from saas_core.attachments import access, context, services, serving
from saas_core.attachments.forms import AttachmentForm, DescriptionForm
from saas_core.attachments.parents import ParentType, parent_type
from saas_core.org.access import permission_required
from web.forms import add_service_errors
from web.pagination import PAGE_SIZES, paginate


@permission_required("attachments", "view")
def attachment_list(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """GET: all of a parent's files, paginated. POST: upload one (multipart form)."""
    kind, parent = access.find_parent(request.user, key, pk)
    if request.method == "POST":
        return _upload(request, kind, parent)
    return _render_list(request, kind, parent)


def _render_list(request: HttpRequest, kind: ParentType, parent, form: AttachmentForm | None = None) -> HttpResponse:
    page, size = paginate(request, services.attachments_of(parent))
    return render(request, "attachments/list.html", {
        **context.listing(request.user, parent, request.path, form),
        "parent_url": kind.url(parent), "page": page, "page_size": size, "page_sizes": PAGE_SIZES,
    }, status=400 if form is not None else 200)


def _upload(request: HttpRequest, kind: ParentType, parent) -> HttpResponse:
    access.require_change(request.user, parent, "create")
    from_list = request.POST.get("back") == "list"  # else from the parent's own page (its panel)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.upload(
                parent, form.cleaned_data["file"], by=request.user, description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” has been uploaded.") % {"name": attachment.name})
            return redirect(request.path if from_list else kind.url(parent))
    if kind.rerender is not None and not from_list:
        return kind.rerender(request, parent, form)
    return _render_list(request, kind, parent, form)


@permission_required("attachments", "view")
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, _parent = access.find_attachment(request.user, pk)
    return serving.file_response(attachment, inline=request.GET.get("inline") == "1")


@permission_required("attachments", "view")
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, parent = access.find_attachment(request.user, pk)
    access.require_change(request.user, parent, "delete")
    kind = parent_type(parent)
    if request.method == "POST":
        try:
            services.delete(attachment, by=request.user, parent=parent)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("“%(name)s” has been moved to the recycle bin.") % {"name": attachment.name})
        return redirect(kind.url(parent))
    return render(request, "attachments/confirm_delete.html", {
        "attachment": attachment, "parent": parent, "parent_url": kind.url(parent),
    })


@permission_required("attachments", "view")
def attachment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, parent = access.find_attachment(request.user, pk)
    access.require_change(request.user, parent, "edit")
    kind = parent_type(parent)
    form = DescriptionForm(request.POST or None, initial={"description": attachment.description})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_description(attachment, form.cleaned_data["description"], by=request.user, parent=parent)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The description of “%(name)s” has been saved.") % {"name": attachment.name})
            return redirect(kind.url(parent))
    return render(request, "attachments/edit.html", {
        "attachment": attachment, "parent": parent, "parent_url": kind.url(parent), "form": form,
    }, status=400 if form.is_bound and form.errors else 200)
