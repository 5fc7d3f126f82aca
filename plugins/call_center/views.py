"""Call-center pages (thin: the work is in ``services``). Another company's rows are not even
in this schema; a call outside the user's data scope (and not ringing for them) is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plugins.call_center import recordings, services
from plugins.call_center.forms import ExtensionForm, LogFilterForm, TelephonyForm
from plugins.call_center.models import Call, Extension
from saas_core.imports.views import can_export
from saas_core.org.access import boss_required, permission_required
from web.forms import add_service_errors
from web.pagination import PAGE_SIZES, paginate

MODULE = "call_center"


@permission_required(MODULE, "view")
def log(request: HttpRequest) -> HttpResponse:
    """The call log: the calls of the agents in one's data scope, filtered."""
    form = LogFilterForm(request.GET or None, user=request.user)
    form.is_valid()
    rows = services.log_filter(services.calls_for(request.user), **form.filters())
    page, size = paginate(request, rows)
    export_url = None
    if can_export(request.user, MODULE):
        query = request.GET.copy()
        for name in ("page", "page_size"):
            query.pop(name, None)
        export_url = reverse("imports:export", args=["calls"]) + (f"?{query.urlencode()}" if query else "")
    return render(request, "call_center/log.html", {
        "form": form, "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "export_url": export_url,
    })


@boss_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """The Boss's telephony connection and the extension → user map."""
    config = services.telephony()
    form = TelephonyForm(request.POST or None, instance=config, prefix="tel")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_telephony(by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The telephony settings have been saved."))
            return redirect("call_center:settings")
    config = services.telephony()
    return render(request, "call_center/settings.html", {
        "form": form, "config": config, "has_ami_secret": bool(config.ami_secret),
        "has_webhook_secret": bool(config.webhook_secret),
        "webhook_url": request.build_absolute_uri(reverse("call_center:webhook", args=[config.kind]))
        if config.kind in ("tinet", "generic") else "",
        "extensions": Extension.objects.select_related("user"), "extension_form": ExtensionForm(prefix="ext"),
    })


@require_POST
@boss_required
def extension_add(request: HttpRequest) -> HttpResponse:
    form = ExtensionForm(request.POST, prefix="ext")
    if form.is_valid():
        try:
            extension = services.save_extension(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Extension %(code)s rings %(user)s.") % {
                "code": extension.code, "user": extension.user.name})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("call_center:settings")


@require_POST
@boss_required
def extension_remove(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(Extension, pk=pk)
    services.remove_extension(extension, by=request.user)
    messages.success(request, _("Extension %(code)s has been removed.") % {"code": extension.code})
    return redirect("call_center:settings")


@permission_required(MODULE, "view")
def card(request: HttpRequest, pk: int) -> HttpResponse:
    """The pop-up card of one call (fetched by popup.js when a call rings for this user)."""
    call = get_object_or_404(Call.objects.select_related("agent", "customer", "contact"), pk=pk)
    if not services.may_see_call(request.user, call):
        raise Http404
    return render(request, "call_center/_card.html", services.card_context(request.user, call))


@permission_required(MODULE, "view")
def recording(request: HttpRequest, pk: int) -> HttpResponse:
    """A call's recording from the company's own storage, to whoever may see the call."""
    call = get_object_or_404(Call, pk=pk)
    if not services.may_see_call(request.user, call):
        raise Http404
    return recordings.serve(call)


@permission_required(MODULE, "create")
def dial(request: HttpRequest) -> HttpResponse:
    """Click-to-dial: the agent's extension rings first, then the number; the call is logged and
    a follow-up form opens prefilled."""
    number = (request.POST.get("number") or request.GET.get("number") or "").strip()
    contact_id = request.POST.get("contact") or request.GET.get("contact") or None
    error = ""
    if request.method == "POST":
        try:
            call = services.dial(by=request.user, number=number,
                                 contact_id=int(contact_id) if str(contact_id or "").isdigit() else None)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Calling %(number)s: pick up your phone, it rings first.") % {
                "number": call.number})
            return redirect(services.followup_url(call))
    return render(request, "call_center/dial.html", {"number": number, "contact": contact_id, "error": error},
                  status=400 if error else 200)
