"""The Boss's whole-company export page (PLT-07): start, watch the progress, download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas_core.accounts.permissions import boss_required
from saas_core.exports import services
from saas_core.exports.models import CompanyExport


@boss_required
def index(request: HttpRequest) -> HttpResponse:
    exports = list(services.visible_to(request.user)[:10])
    return render(request, "exports/index.html", {"exports": exports, "export_hours": settings.EXPORT_LINK_HOURS,
                                                  "running": any(not e.is_finished for e in exports)})


@boss_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    try:
        services.start(request.user, language=getattr(request, "LANGUAGE_CODE", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The export has started; this page shows its progress."))
    return redirect("exports:index")


def _export(request: HttpRequest, token) -> CompanyExport:
    export = services.visible_to(request.user).filter(token=token).first()
    if export is None:
        raise Http404
    return export


@boss_required
def progress(request: HttpRequest, token) -> HttpResponse:
    """The one export's row, polled by htmx while it is being built."""
    return render(request, "exports/_row.html", {"export": _export(request, token)})


@boss_required
def download(request: HttpRequest, token) -> HttpResponse:
    try:
        export, handle = services.download(request.user, token)
    except CompanyExport.DoesNotExist:
        raise Http404(_("This export is not available (any more); start a new one.")) from None
    return FileResponse(handle, as_attachment=True, filename=export.file.rsplit("/", 1)[-1],
                        content_type="application/zip")
