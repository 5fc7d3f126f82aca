"""Vendor console pages: sign-in, companies, one company's modules."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.overrides import set_override
from plugins import services as module_services
from saas_core.tenancy import live_tenants
from tenants.console.forms import ModuleSwitchForm, VendorLoginForm
from tenants.models import Tenant
from web.pagination import paginate


def vendor_staff_required(view):
    """Vendor staff only; anyone else is sent to the console's sign-in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_staff and user.is_active):
            return redirect(f"{reverse('console:login')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapped


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    authentication_form = VendorLoginForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return reverse("console:tenant_list")


class LogoutView(auth_views.LogoutView):
    next_page = "console:login"


def companies():
    return Tenant.objects.filter(pk__in=live_tenants().values("pk")) | Tenant.objects.filter(
        status__in=[Tenant.Status.CANCELLED]
    )


@vendor_staff_required
def tenant_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = companies().select_related("subscription__plan").order_by("-created_at", "pk")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(schema_name__icontains=q) | Q(domains__domain__icontains=q)).distinct()
    page, size = paginate(request, qs)
    return render(request, "console/tenant_list.html", {"page": page, "q": q, "page_size": size})


@vendor_staff_required
def tenant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(companies(), pk=pk)
    return render(request, "console/tenant_detail.html", {
        "company": tenant, "modules": module_services.modules_overview(tenant), "form": ModuleSwitchForm(),
        "domain": tenant.domains.filter(is_primary=True).first(),
    })


@vendor_staff_required
@require_POST
def tenant_module(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    tenant = get_object_or_404(companies(), pk=pk)
    form = ModuleSwitchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose on, off or as the subscription says."))
        return redirect("console:tenant_detail", pk=tenant.pk)
    try:
        set_override(tenant, key, form.enabled(), note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The modules of %(company)s have been changed; they take effect at once.")
                         % {"company": tenant.name})
    return redirect("console:tenant_detail", pk=tenant.pk)
