"""EDM campaign pages: templates (editor with desktop and phone previews), audiences, campaigns."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from plugins.edm import abtest, campaigns, results
from plugins.edm.forms import (
    AbTestForm,
    AudienceForm,
    CampaignForm,
    RecipientSearchForm,
    ScheduleForm,
    TemplateForm,
    VariantForm,
)
from plugins.edm.models import Audience, Campaign, CampaignRecipient, EmailTemplate
from saas_core.org.access import can, permission_required
from web.forms import add_service_errors
from web.pagination import PAGE_SIZES, page_size, paginate

MODULE = "edm"


@permission_required(MODULE, "view")
def campaign_list(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and can(request.user, MODULE, "create") and form.is_valid():
        try:
            campaign = campaigns.create_campaign(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("edm:campaign", pk=campaign.pk)
    page, size = paginate(request, results.visible_campaigns(request.user).select_related("created_by"))
    return render(request, "edm/campaigns.html", {
        "form": form, "page": page, "page_size": size, "page_sizes": PAGE_SIZES,
        "may_create": can(request.user, MODULE, "create"),
    })


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign of a sender in the viewer's data scope, else 404."""
    return get_object_or_404(results.visible_campaigns(request.user).select_related("template", "audience",
                                                                                    "created_by"), pk=pk)


@permission_required(MODULE, "view")
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    search = RecipientSearchForm(request.GET or None)
    q, show = (search.cleaned_data["q"], search.cleaned_data["show"]) if search.is_valid() else ("", "")
    size = page_size(request)
    paginator = Paginator(results.recipients(campaign, q=q, show=show), size)
    if not q and not show:
        paginator.count = campaign.recipients  # the counter, not a count(*) of a million rows
    startable = campaign.status in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED)
    return render(request, "edm/campaign.html", {
        "campaign": campaign, "may_edit": can(request.user, MODULE, "edit"),
        "may_start": can(request.user, MODULE, "create") and startable,
        "schedule_form": ScheduleForm(initial={"scheduled_at": campaign.scheduled_at}) if startable else None,
        "reach": campaigns.reach(campaign.audience, by=campaign.created_by)
        if campaign.status == Campaign.Status.DRAFT else None,
        "rates": results.rates(campaign), "search": search, "page": paginator.get_page(request.GET.get("page")),
        "page_size": size, "page_sizes": PAGE_SIZES, "variants": list(campaign.variants.all()),
        "variant_form": VariantForm() if startable else None,
        "ab_form": AbTestForm(initial={"share": campaign.ab_share or 20, "metric": campaign.ab_metric,
                                       "wait_hours": campaign.ab_wait_hours}) if startable else None,
    })


@permission_required(MODULE, "view")
def recipient_history(request: HttpRequest, pk: int, recipient: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    row = get_object_or_404(CampaignRecipient.objects.select_related("contact", "customer"), pk=recipient,
                            campaign=campaign)
    return render(request, "edm/recipient.html", {"campaign": campaign, "recipient": row,
                                                  "events": results.history(row)[:500]})


def _schedule(campaign: Campaign, request: HttpRequest) -> None:
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        raise _form_errors(form)
    campaigns.schedule(campaign, by=request.user, scheduled_at=form.cleaned_data["scheduled_at"])


def _form_errors(form) -> ValidationError:
    return ValidationError(" ".join(e for errors in form.errors.values() for e in errors))


def _add_variant(campaign: Campaign, request: HttpRequest) -> None:
    form = VariantForm(request.POST)
    if not form.is_valid():
        raise _form_errors(form)
    abtest.add_variant(campaign, by=request.user, **form.cleaned_data)


def _configure_test(campaign: Campaign, request: HttpRequest) -> None:
    form = AbTestForm(request.POST)
    if not form.is_valid():
        raise _form_errors(form)
    abtest.configure(campaign, by=request.user, **form.cleaned_data)


ACTIONS = {"start": lambda c, r: campaigns.start(c, by=r.user), "pause": lambda c, r: campaigns.pause(c, by=r.user),
           "resume": lambda c, r: campaigns.resume(c, by=r.user), "cancel": lambda c, r: campaigns.cancel(c, by=r.user),
           "schedule": _schedule, "variant": _add_variant, "abtest": _configure_test,
           "variants-clear": lambda c, r: abtest.remove_variants(c, by=r.user)}


@require_POST
@permission_required(MODULE, "view")
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    if action not in ACTIONS:
        return redirect("edm:campaign", pk=pk)
    try:
        ACTIONS[action](campaign, request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("edm:campaign", pk=pk)


@permission_required(MODULE, "view")
def template_list(request: HttpRequest) -> HttpResponse:
    return render(request, "edm/templates.html", {
        "templates": EmailTemplate.objects.filter(is_active=True), "may_create": can(request.user, MODULE, "create"),
        "audiences": Audience.objects.filter(created_by=request.user), "audience_form": AudienceForm(prefix="aud"),
    })


@permission_required(MODULE, "view")
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template = get_object_or_404(EmailTemplate, pk=pk, is_active=True) if pk else None
    initial = {"name": template.name, "subject": template.subject, "html": template.html} if template else None
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = campaigns.save_template(template, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The template “%(name)s” has been saved.") % {"name": saved.name})
            return redirect("edm:template_edit", pk=saved.pk)
    return render(request, "edm/template_form.html", {"form": form, "template": template})


@permission_required(MODULE, "view")
@xframe_options_sameorigin
@csp_replace({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "img-src": ["data:", "https:"],
              "frame-ancestors": ["'self'"], "sandbox": [""], "script-src": ["'none'"]})
def template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The template as a recipient sees it (CSS inlined, a sample filled in), framed by the editor.
    Its own policy: the message's inline styles apply, nothing in it can run."""
    template = get_object_or_404(EmailTemplate, pk=pk, is_active=True)
    if request.GET.get("part") == "text":
        return HttpResponse(campaigns.preview(template, by=request.user).text, content_type="text/plain; charset=utf-8")
    return HttpResponse(campaigns.preview(template, by=request.user).html)


@require_POST
@permission_required(MODULE, "create")
def audience_add(request: HttpRequest) -> HttpResponse:
    form = AudienceForm(request.POST, prefix="aud")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == Audience.Kind.LIST:
                audience = campaigns.import_list(by=request.user, name=data["name"], text=data["addresses"])
            else:
                audience = campaigns.save_audience(by=request.user, name=data["name"], kind=data["kind"],
                                                   filters={"q": data["q"]} if data["q"] else {})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            reach = campaigns.reach(audience, by=request.user)
            messages.success(request, _("Audience “%(name)s”: %(n)s with an e-mail address, %(s)s of them on the "
                                        "suppression list.") % {"name": audience.name, "n": reach.with_address,
                                                                "s": reach.suppressed})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("edm:templates")
