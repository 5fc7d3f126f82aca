"""The Boss's Subscription page (PLT-05) and enterprise account page (PLT-03)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import account as account_info
from billing import services
from billing.forms import CardForm, ChoiceForm, LogoForm
from billing.models import Module, Subscription
from billing.problems import PaymentServiceError
from saas_core.accounts.permissions import boss_required
from tenants.models import Tenant
from web.forms import add_service_errors


def _tenant(request: HttpRequest) -> Tenant:
    return Tenant.objects.get(pk=request.tenant.pk)


def _choice_form(request: HttpRequest, subscription: Subscription | None, data=None) -> ChoiceForm:
    initial = {}
    if subscription is not None:
        initial = {"plan": subscription.plan_id, "seats": services.default_seats(subscription),
                   "modules": list(subscription.modules.values_list("key", flat=True))}
        # From the Modules page's "Add to subscription": that module ticked, nothing bought yet.
        add = request.GET.get("add_module", "")
        if add and add not in initial["modules"] and Module.objects.for_sale().filter(key=add).exists():
            initial["modules"].append(add)
    return ChoiceForm(data, initial=initial, current_plan=subscription.plan if subscription else None)


def _page(request: HttpRequest, *, choice_form=None, card_form=None, status=200) -> HttpResponse:
    tenant = _tenant(request)
    try:  # first: when Stripe has lost the company's records, the mirror below is already mended
        invoices, stripe_problem = services.invoices(tenant), ""
    except PaymentServiceError as exc:
        invoices, stripe_problem = [], exc.messages[0]
    subscription = Subscription.objects.select_related("plan").filter(tenant=tenant).first()
    context = {
        "subscription": subscription,
        "status": tenant.get_status_display(),
        "tenant_obj": tenant,
        "choice_form": choice_form or _choice_form(request, subscription),
        "card_form": card_form or CardForm(),
        "invoices": invoices,
        "stripe_problem": stripe_problem,
        "add_ons": subscription.modules.installed() if subscription else [],
        "seats_used": services.seats_used(),
        "paying": bool(subscription and subscription.stripe_subscription_id and tenant.status != Tenant.Status.CANCELLED),
        "overdue": tenant.status in (Tenant.Status.PAST_DUE, Tenant.Status.READ_ONLY),
    }
    return render(request, "billing/subscription.html", context, status=status)


@boss_required
def subscription_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@boss_required
@require_POST
def save_card(request: HttpRequest) -> HttpResponse:
    form = CardForm(request.POST)
    if form.is_valid():
        try:
            services.save_card(_tenant(request), email=request.user.email, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The card has been saved."))
            return redirect("billing:subscription")
    return _page(request, card_form=form, status=400)


def _choice(request: HttpRequest):
    tenant = _tenant(request)
    subscription = Subscription.objects.select_related("plan").filter(tenant=tenant).first()
    form = _choice_form(request, subscription, request.POST)
    return tenant, form


@boss_required
@require_POST
def review(request: HttpRequest) -> HttpResponse:
    """The figures before confirming: new price, proration, what is charged now."""
    tenant, form = _choice(request)
    if form.is_valid():
        try:
            quote = services.quote_change(tenant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "billing/review.html", {"form": form, "quote": quote, "data": form.cleaned_data,
                                                          "paying": bool(Subscription.objects.filter(
                                                              tenant=tenant).exclude(stripe_subscription_id="").exists()
                                                              and tenant.status != Tenant.Status.CANCELLED)})
    return _page(request, choice_form=form, status=400)


@boss_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    tenant, form = _choice(request)
    if form.is_valid():
        subscription = Subscription.objects.get(tenant=tenant)
        try:
            if subscription.stripe_subscription_id and tenant.status != Tenant.Status.CANCELLED:
                services.change(tenant, **form.cleaned_data)
                messages.success(request, _("The subscription has been changed."))
            else:
                services.subscribe(tenant, **form.cleaned_data)
                messages.success(request, _("Thank you: the payment went through and the subscription is active."))
        except ValidationError as exc:
            add_service_errors(form, exc)
            for message in exc.message_dict.get("card", []) if hasattr(exc, "error_dict") else []:
                messages.error(request, message)
        else:
            return redirect("billing:subscription")
    return _page(request, choice_form=form, status=400)


@boss_required
@require_POST
def pay(request: HttpRequest) -> HttpResponse:
    try:
        services.pay_overdue(_tenant(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you: the payment went through; full access is restored."))
    return redirect("billing:subscription")


@boss_required
def cancel(request: HttpRequest) -> HttpResponse:
    """GET: the confirmation page; POST: cancel at period end (or ``resume`` to keep it)."""
    tenant = _tenant(request)
    subscription = Subscription.objects.filter(tenant=tenant).first()
    if request.method == "POST":
        resume = request.POST.get("resume") == "1"
        try:
            services.set_cancel_at_period_end(tenant, not resume)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The subscription continues.") if resume else
                             _("The subscription ends at the end of the paid period."))
        return redirect("billing:subscription")
    return render(request, "billing/confirm_cancel.html", {"subscription": subscription})


@boss_required
def invoice_download(request: HttpRequest, invoice_id: str) -> HttpResponse:
    """The invoice as a printable HTML file (localstripe has no PDFs; Stripe's link when there is one)."""
    tenant = _tenant(request)
    invoice = services.invoice(tenant, invoice_id)
    if invoice is None:
        raise Http404
    pdf = invoice.to_dict().get("invoice_pdf")
    if pdf:
        return redirect(pdf)
    html = render_to_string("billing/invoice.html", {"invoice": invoice, "tenant_obj": tenant}, request=request)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.id}.html"'
    return response


@boss_required
def account(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    form = LogoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_info.set_logo(tenant, form.cleaned_data["logo"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The logo has been saved."))
            return redirect("billing:account")
    return render(request, "billing/account.html", {"info": account_info.summary(tenant), "form": form,
                                                    "tenant_obj": tenant}, status=400 if form.errors else 200)


@login_required
def logo(request: HttpRequest) -> HttpResponse:
    """The company's logo, for its own signed-in users only (there is no public media URL)."""
    tenant = _tenant(request)
    if not tenant.logo:
        raise Http404
    response = FileResponse(tenant.logo.open("rb"), content_type=account_info.logo_type(tenant.logo.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response
