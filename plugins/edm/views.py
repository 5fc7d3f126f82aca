"""EDM pages (thin: the work is in ``services``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plugins.edm import bounces, services
from plugins.edm.forms import DomainForm, SettingsForm
from saas_core.org.access import boss_required, is_boss, permission_required
from web.forms import add_service_errors

MODULE = "edm"


@permission_required(MODULE, "view")
def setup(request: HttpRequest) -> HttpResponse:
    """Sending domains with the DNS records to publish, and (for the Boss) the SMTP server and sender."""
    config = services.edm_settings()
    boss = is_boss(request.user)
    form = SettingsForm(request.POST or None, instance=config, prefix="smtp") if boss else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.save_settings(by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The e-mail settings have been saved."))
            return redirect("edm:setup")
    domains = [(d, services.records(d), services.problem_texts(d)) for d in services.domains()]
    try:
        services.require_verified_sender(config)
        held = ""
    except ValidationError as exc:
        held = " ".join(exc.messages)
    return render(request, "edm/setup.html", {
        "form": form, "domain_form": DomainForm(prefix="dom") if boss else None, "domains": domains,
        "config": config, "has_password": services.has_password(config), "held": held, "is_boss": boss,
        "webhook_secret": services.webhook_secret() if boss else "",
        "webhook_urls": [request.build_absolute_uri(f"/sending/callbacks/{kind}/")
                         for kind in (bounces.GENERIC_KIND, bounces.SENDGRID_KIND)] if boss else [],
    })


@require_POST
@boss_required
def domain_add(request: HttpRequest) -> HttpResponse:
    form = DomainForm(request.POST, prefix="dom")
    if form.is_valid():
        try:
            domain = services.add_domain(by=request.user, domain=form.cleaned_data["domain"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(domain)s added: publish the records below, then check.")
                             % {"domain": domain.domain})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("edm:setup")


@require_POST
@permission_required(MODULE, "edit")
def domain_check(request: HttpRequest, pk: int) -> HttpResponse:
    domain = services.check_domain(get_object_or_404(services.domains(), pk=pk))
    if domain.is_verified:
        messages.success(request, _("%(domain)s is verified.") % {"domain": domain.domain})
    else:
        messages.warning(request, _("%(domain)s is not verified yet: %(problems)s") % {
            "domain": domain.domain, "problems": " ".join(services.problem_texts(domain))})
    return redirect("edm:setup")


@require_POST
@boss_required
def domain_remove(request: HttpRequest, pk: int) -> HttpResponse:
    domain = get_object_or_404(services.domains(), pk=pk)
    try:
        services.remove_domain(domain, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(domain)s has been removed.") % {"domain": domain.domain})
    return redirect("edm:setup")


@require_POST
@boss_required
def test_send(request: HttpRequest) -> HttpResponse:
    try:
        to = services.send_test_email(by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A test e-mail went to %(address)s.") % {"address": to})
    return redirect("edm:setup")
