"""The suppression list's page (thin: the work is in ``suppression``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas_core.org.access import can, has_right, permission_required
from saas_core.sending import suppression
from saas_core.sending.forms import SuppressionFilterForm, SuppressionForm
from web.forms import add_service_errors
from web.pagination import PAGE_SIZES, paginate

MODULE = suppression.MODULE


@permission_required(MODULE, "view")
def suppression_list(request: HttpRequest) -> HttpResponse:
    """Everyone who may not be sent to, searchable; add by hand; lift; import and export."""
    filters = SuppressionFilterForm(request.GET or None)
    add_form = SuppressionForm(request.POST or None, prefix="add")
    if request.method == "POST":
        if not can(request.user, MODULE, "create"):
            return redirect("sending:suppression")
        if add_form.is_valid():
            try:
                entry = suppression.suppress(by=request.user, **add_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(add_form, exc)
            else:
                messages.success(request, _("%(address)s is on the suppression list.") % {"address": entry.address})
                return redirect("sending:suppression")
    page, size = paginate(request, suppression.entries(**filters.filters()))
    query = urlencode({k: v for k, v in filters.filters().items() if v})
    return render(request, "sending/suppression.html", {
        "filters": filters, "add_form": add_form, "page": page, "page_size": size, "page_sizes": PAGE_SIZES,
        "counts": suppression.counts(), "query": query,
        "may_add": can(request.user, MODULE, "create"), "may_lift": can(request.user, MODULE, "delete"),
        "may_import": can(request.user, MODULE, "import"),
        "may_export": can(request.user, MODULE, "export") and has_right(request.user, "export_excel"),
    })


@require_POST
@permission_required(MODULE, "delete")
def suppression_lift(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(suppression.entries(), pk=pk)
    suppression.lift(entry, by=request.user)
    messages.success(request, _("%(address)s may be sent to again.") % {"address": entry.address})
    return redirect("sending:suppression")
