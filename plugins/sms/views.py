"""SMS pages (thin: the work is in ``services``). Another company's rows are not even in this
schema; a row outside the user's log scope is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plugins.sms import queries, services
from plugins.sms.forms import GroupForm, LogFilterForm, OptOutForm, SendForm, SettingsForm, TemplateForm
from plugins.sms.models import SmsBatch, SmsMessage, SmsTemplate
from saas_core.org.access import can, is_boss, permission_required
from web.forms import add_service_errors
from web.pagination import PAGE_SIZES, paginate

MODULE = "sms"


def _sent_message(request: HttpRequest, message: SmsMessage) -> None:
    if message.scheduled_at:
        messages.success(request, _("The text to %(number)s will be sent at %(at)s.") % {
            "number": message.number, "at": message.scheduled_at.strftime("%Y-%m-%d %H:%M")})
    else:
        messages.success(request, _("The text to %(number)s is on its way (%(parts)s part(s)).") % {
            "number": message.number, "parts": message.parts})


@permission_required(MODULE, "create")
def send(request: HttpRequest) -> HttpResponse:
    """One text to one number; the contact list's "SMS" link opens this with ``?to=&contact=``."""
    initial = {"number": request.GET.get("to", ""), "contact": request.GET.get("contact") or None}
    form = SendForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "preview":
                preview = _preview_single(request, form)
            else:
                message = services.send_single(by=request.user, number=form.cleaned_data["number"],
                                               contact_id=form.cleaned_data.get("contact"),
                                               scheduled_at=form.when(), **form.compose())
                _sent_message(request, message)
                return redirect("sms:log")
        except ValidationError as exc:
            add_service_errors(form, exc)
    contact_id = form["contact"].value()
    return render(request, "sms/send.html", {
        "form": form, "preview": preview, "contact": services.contact_for(request.user, contact_id)
        if str(contact_id or "").isdigit() else None,
    })


def _preview_single(request: HttpRequest, form: SendForm) -> services.Preview:
    config = services.gateway_settings()
    body = services.body_of(form.cleaned_data.get("body"), form.cleaned_data.get("template"))
    contact = services.contact_for(request.user, form.cleaned_data.get("contact"))
    values = services.values_for(request.user, contact.customer if contact else None, contact)
    return services.preview_text(body, values, config)


@permission_required(MODULE, "create")
def preview(request: HttpRequest) -> HttpResponse:
    """The parts and cost of the text being typed (htmx, from the send pages)."""
    form = SendForm(request.POST or None)
    form.fields["number"].required = False
    result, error = None, ""
    if form.is_valid():
        try:
            result = _preview_single(request, form)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(request, "sms/_preview.html", {"preview": result, "preview_error": error})


@permission_required(MODULE, "create")
def group(request: HttpRequest) -> HttpResponse:
    """A group send to a saved filter: preview (parts, cost, skipped), a test to one's own phone,
    then the send, now or at a set time."""
    form = GroupForm(request.POST or None, user=request.user)
    preview, action = None, request.POST.get("action", "preview")
    if request.method == "POST" and form.is_valid():
        kind, filters = form.selection()
        try:
            if form.cleaned_data.get("save_as"):
                services.save_audience(by=request.user, name=form.cleaned_data["save_as"], kind=kind, filters=filters)
                messages.success(request, _("The filter has been saved as “%(name)s”.")
                                 % {"name": form.cleaned_data["save_as"]})
            preview = services.preview_group(by=request.user, kind=kind, filters=filters, **form.compose())
            if action == "test":
                audience = services.resolve_audience(request.user, kind, services.clean_filters(kind, filters))
                sample = audience.recipients[0] if audience.recipients else None
                test = services.send_test(by=request.user, sample=sample, **form.compose())
                messages.success(request, _("A test has been sent to your phone %(number)s.") % {"number": test.number})
                preview = services.preview_group(by=request.user, kind=kind, filters=filters, **form.compose())
            elif action == "send":
                batch = services.send_group(by=request.user, kind=kind, filters=filters, scheduled_at=form.when(),
                                            audience_name=getattr(form.cleaned_data.get("audience"), "name", ""),
                                            **form.compose())
                messages.success(request, _(
                    "%(count)s texts (%(parts)s parts) are on their way; %(skipped)s opted-out numbers were skipped."
                ) % {"count": batch.recipients, "parts": batch.parts, "skipped": batch.skipped_opt_out})
                return redirect(f"{_log_url()}?batch={batch.pk}")
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "sms/group.html", {"form": form, "preview": preview, "me": request.user})


def _log_url() -> str:
    from django.urls import reverse

    return reverse("sms:log")


@permission_required(MODULE, "view")
def log(request: HttpRequest) -> HttpResponse:
    """The send log: one's own texts and those of the people under one; nobody deletes any."""
    form = LogFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    batch_id = request.GET.get("batch") if str(request.GET.get("batch", "")).isdigit() else None
    rows = services.log_filter(queries.log_for(request.user), q=data.get("q", ""), status=data.get("status", ""),
                               batch=batch_id)
    page, size = paginate(request, rows)
    batch = SmsBatch.objects.filter(pk=batch_id).first() if batch_id else None
    if batch is not None and not queries.log_for(request.user).filter(batch=batch).exists():
        raise Http404
    return render(request, "sms/log.html", {
        "form": form, "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "batch": batch,
        "used": services.quota_used(), "config": services.gateway_settings(),
        "may_resend": can(request.user, MODULE, "create"), "resendable": services.RESENDABLE,
        "resent": set(SmsMessage.objects.filter(resent_from__in=[m.pk for m in page.object_list])
                      .values_list("resent_from_id", flat=True)),
    })


@permission_required(MODULE, "edit")
def settings_page(request: HttpRequest) -> HttpResponse:
    """The Boss's gateway settings; templates and the opt-out list for whoever may edit SMS."""
    config = services.gateway_settings()
    boss = is_boss(request.user)
    form = SettingsForm(request.POST or None, instance=config, prefix="gw") if boss else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.save_settings(by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The SMS settings have been saved."))
            return redirect("sms:settings")
    return render(request, "sms/settings.html", {
        "form": form, "config": services.gateway_settings(), "has_secret": services.has_secret(config),
        "templates": services.active_templates(), "template_form": TemplateForm(prefix="tpl"),
        "opt_outs": services.opt_outs()[:200], "opt_out_count": services.opt_outs().count(),
        "opt_out_form": OptOutForm(prefix="oo"), "used": services.quota_used(),
        "may_delete_templates": can(request.user, MODULE, "delete"),
    })


@require_POST
@permission_required(MODULE, "create")
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(queries.log_for(request.user), pk=pk)
    try:
        again = services.resend(message, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The text to %(number)s is on its way again.") % {"number": again.number})
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/sms/log/")
                    else _log_url())


@permission_required(MODULE, "edit")
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template = get_object_or_404(SmsTemplate, pk=pk, is_active=True) if pk else None
    form = TemplateForm(request.POST or None, instance=template, prefix="tpl")
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_template(template, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The template “%(name)s” has been saved.") % {"name": saved.name})
            return redirect("sms:settings")
    return render(request, "sms/template_form.html", {"form": form, "template": template})


@require_POST
@permission_required(MODULE, "delete")
def template_archive(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(SmsTemplate, pk=pk, is_active=True)
    services.archive_template(template, by=request.user)
    messages.success(request, _("The template “%(name)s” has been archived.") % {"name": template.name})
    return redirect("sms:settings")


@require_POST
@permission_required(MODULE, "create")
def opt_out_add(request: HttpRequest) -> HttpResponse:
    form = OptOutForm(request.POST, prefix="oo")
    if form.is_valid():
        try:
            entry = services.add_opt_out(form.cleaned_data["number"], by=request.user,
                                         reason=form.cleaned_data.get("reason"), note=form.cleaned_data.get("note", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(number)s will receive no more texts.") % {"number": entry.address})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/sms/")
                    else "sms:settings")


@require_POST
@permission_required(MODULE, "edit")
def opt_out_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(services.opt_outs(), pk=pk)
    services.remove_opt_out(entry, by=request.user)
    messages.success(request, _("%(number)s may receive texts again.") % {"number": entry.address})
    return redirect("sms:settings")
