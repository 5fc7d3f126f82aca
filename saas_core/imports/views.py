"""Import pages (upload → map → preview → confirm → progress → result) and xlsx exports."""

from __future__ import annotations

import os
import tempfile
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from saas_core.imports import services, storage
from saas_core.imports.models import ImportJob
from saas_core.imports.registry import exporters, get_exporter, get_importer, importers
from saas_core.imports.xlsx import Sheet, write_xlsx
from saas_core.org.access import can, has_right, require, require_right
from saas_core.org.permissions import is_visible
from web.forms import add_service_errors
from web.pagination import paginate

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _importer_or_404(kind: str):
    try:
        importer = get_importer(kind)
    except LookupError:
        raise Http404 from None
    if not is_visible(importer.module):  # its optional module is off here
        raise Http404
    return importer


def _job_or_404(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(services.jobs_for(request.user), pk=pk)


def _attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- the list -------------------------------------------------------------------------------------


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    page, _size = paginate(request, services.jobs_for(request.user))
    # An optional module's imports and exports are listed only where the module is on.
    available = [i for i in importers() if is_visible(i.module) and can(request.user, i.module, "import")]
    exports = [e for e in exporters() if is_visible(e.module) and can_export(request.user, e.module)]
    return render(request, "imports/list.html", {"page": page, "importers": available, "exports": exports})


# --- template -------------------------------------------------------------------------------------


@login_required
@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    importer = _importer_or_404(kind)
    require(request.user, importer.module, "import")
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    services.template_xlsx(importer, tmp)
    tmp.seek(0)
    response = FileResponse(tmp, content_type=XLSX_TYPE)
    return _attachment(response, f"{importer.template_name}.xlsx")


# --- upload ---------------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (xlsx or CSV, UTF-8 or GBK)"))
    duplicate_mode = forms.ChoiceField(
        label=gettext_lazy("Duplicates"), choices=ImportJob.DuplicateMode.choices, initial=ImportJob.DuplicateMode.SKIP,
        widget=forms.RadioSelect,
    )


@login_required
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    importer = _importer_or_404(kind)
    require(request.user, importer.module, "import")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.create_job(
                by=request.user, kind=kind, upload=form.cleaned_data["file"],
                duplicate_mode=form.cleaned_data["duplicate_mode"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("imports:map", pk=job.pk)
    return render(request, "imports/upload.html", {"form": form, "importer": importer})


# --- mapping --------------------------------------------------------------------------------------


def _mapping_form(job: ImportJob, importer, data=None):
    choices = [("", "—"), *((str(i), h or _("(column %(n)d)") % {"n": i + 1}) for i, h in enumerate(job.headers))]
    fields = {}
    for column in importer.columns:
        fields[column.key] = forms.ChoiceField(
            label=f"{column.label}{' *' if column.required else ''}", required=False, choices=choices,
            initial=str(job.mapping[column.key]) if column.key in job.mapping else "",
        )
    fields["duplicate_mode"] = forms.ChoiceField(
        label=_("Duplicates"), choices=ImportJob.DuplicateMode.choices, initial=job.duplicate_mode,
        widget=forms.RadioSelect,
    )
    return type("MappingForm", (forms.Form,), fields)(data)


def _reading(request: HttpRequest, job: ImportJob) -> HttpResponse:
    """While the worker reads the upload: a page that moves on to the mapping once it has."""
    return render(request, "imports/reading.html", {"job": job})


@login_required
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    importer = _importer_or_404(job.kind)
    if job.status == ImportJob.Status.READING:
        return _reading(request, job)
    if job.status != ImportJob.Status.PENDING:
        return redirect("imports:detail", pk=job.pk)
    form = _mapping_form(job, importer, request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = {c.key: form.cleaned_data[c.key] for c in importer.columns if form.cleaned_data.get(c.key) != ""}
        try:
            services.set_mapping(job, by=request.user, mapping=chosen, duplicate_mode=form.cleaned_data["duplicate_mode"])
            missing = services.missing_required(importer, job.mapping)
            if missing:
                raise ValidationError(_("Map a column of the file to: %(columns)s.") % {"columns": ", ".join(missing)})
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("imports:preview", pk=job.pk)
    column_fields = [form[c.key] for c in importer.columns]
    return render(request, "imports/map.html", {
        "job": job, "importer": importer, "form": form, "column_fields": column_fields,
        "encoding": job.encoding and services.readers.encoding_label(job.encoding),
    })


# --- preview and confirmation ---------------------------------------------------------------------


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    importer = _importer_or_404(job.kind)
    if job.status == ImportJob.Status.READING:
        return _reading(request, job)
    if job.status != ImportJob.Status.PENDING:
        return redirect("imports:detail", pk=job.pk)
    error = ""
    if request.method == "POST":
        try:
            services.start(job, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            return redirect("imports:detail", pk=job.pk)
    columns, rows = services.preview(job)
    return render(request, "imports/preview.html", {
        "job": job, "importer": importer, "columns": columns, "rows": rows, "error": error,
        "problems": sum(1 for r in rows if r.problems), "duplicates": sum(1 for r in rows if r.duplicate),
    })


# --- progress and result --------------------------------------------------------------------------


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    if job.status in (ImportJob.Status.PENDING, ImportJob.Status.READING):
        return redirect("imports:map", pk=job.pk)
    return render(request, "imports/detail.html", {
        "job": job, "importer": _importer_or_404(job.kind), "status": services.status_payload(job),
        "can_download": services.can_download(request.user, job),
    })


@login_required
@require_GET
def status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job_or_404(request, pk)
    return JsonResponse(services.status_payload(job))


def _stored_download(request: HttpRequest, pk: int, which: str) -> FileResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    if not services.can_download(request.user, job):
        raise Http404  # as if it did not exist: another user's file
    name = job.report if which == "report" else job.file
    if not name:
        raise Http404
    try:
        fh = storage.open_file(name)
    except (FileNotFoundError, PermissionDenied):
        raise Http404 from None
    filename = os.path.basename(name) if which == "report" else job.original_name
    content_type = XLSX_TYPE if name.endswith(".xlsx") else "application/octet-stream"
    return _attachment(FileResponse(fh, content_type=content_type), filename)


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> FileResponse:
    return _stored_download(request, pk, "report")


@login_required
@require_GET
def original(request: HttpRequest, pk: int) -> FileResponse:
    return _stored_download(request, pk, "file")


# --- exports --------------------------------------------------------------------------------------


def require_export(user, module: str) -> None:
    """The module's export action and the export_excel right (a 403 naming what is missing)."""
    require(user, module, "export")
    require_right(user, "export_excel")


def can_export(user, module: str) -> bool:
    return can(user, module, "export") and has_right(user, "export_excel")


@login_required
@require_GET
def export(request: HttpRequest, key: str) -> FileResponse:
    try:
        exporter = get_exporter(key)
    except LookupError:
        raise Http404 from None
    if not is_visible(exporter.module):  # its optional module is off here
        raise Http404
    require_export(request.user, exporter.module)
    queryset = exporter.queryset(request)
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    columns = exporter.columns_for(request)
    header = [c.label for c in columns]
    write_xlsx(tmp, [Sheet(str(exporter.label or exporter.filename), header, exporter.rows(queryset, columns))])
    tmp.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _attachment(FileResponse(tmp, content_type=XLSX_TYPE), f"{exporter.filename}-{stamp}.xlsx")
