"""Vendor console pages (PLT-04): sign-in, companies (figures, suspend/resume, modules, schema
migrations), plans and modules synced to Stripe, the vendor's settings, the upgrade rollout.

Views stay thin: catalogue saves go through ``billing.catalogue``, holds through
``tenants.lifecycle.suspend``/``resume``, module switches through ``billing.overrides``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billing import catalogue
from billing.models import Module, Plan, installed_module_keys
from billing.overrides import set_override
from plugins import services as module_services
from saas_core.accounts.views import sign_in_page
from saas_core.tenancy import workspace_tenants
from tenants import lifecycle, upgrade, vendor_settings
from tenants.console import queries, rollout, staff
from tenants.console.forms import (
    ModuleForm,
    ModuleSwitchForm,
    PlanForm,
    ResumeForm,
    StaffForm,
    SuspendForm,
    TenantFilterForm,
    VendorSettingsForm,
)
from tenants.models import CompanyUpgrade, Tenant, UpgradeRun
from web.forms import add_service_errors
from web.pagination import PAGE_SIZES, page_size, paginate


def vendor_staff_required(view):
    """Vendor staff only; anyone else is sent to the console's sign-in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_staff and user.is_active):
            return redirect(f"{reverse('console:login')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapped


def login_view(request: HttpRequest) -> HttpResponse:
    """The vendor's staff only, with the same lockout and log as a workspace's sign-in (and
    the console API's token: a lock on one is a lock on the other)."""
    return sign_in_page(request, "console/login.html", "console:tenant_list", staff_only=True)


class LogoutView(auth_views.LogoutView):
    next_page = "console:login"


def companies():
    """Every company whose workspace still exists (live, or cancelled within retention)."""
    return workspace_tenants()


def _list_context(request: HttpRequest, page, size: int, **extra) -> dict:
    return {"page": page, "page_size": size, "page_sizes": PAGE_SIZES, **extra}


# --- companies ---------------------------------------------------------------------------------


@vendor_staff_required
def tenant_list(request: HttpRequest) -> HttpResponse:
    form = TenantFilterForm(request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    sort = filters.get("sort") or "-created"
    matching = queries.filtered(companies(), q=(filters.get("q") or "").strip(), status=filters.get("status") or "",
                                plan=filters.get("plan"))
    rows = queries.sorted_by(queries.with_figures(matching), sort)
    page, size = paginate(request, rows)
    return render(request, "console/tenant_list.html", _list_context(
        request, page, size, form=form, sort=sort, totals=queries.mrr_totals(matching),
        q=filters.get("q") or ""))


def _tenant_detail_context(tenant: Tenant) -> dict:
    status = rollout.statuses([tenant.schema_name]).get(tenant.schema_name)
    return {
        "company": tenant, "modules": module_services.modules_overview(tenant), "form": ModuleSwitchForm(),
        "domain": tenant.domains.filter(is_primary=True).first(),
        "figures": queries.with_figures(Tenant.objects.filter(pk=tenant.pk)).first(),
        "audit": tenant.audit_entries.all()[:20],
        "migrations": status, "missing": rollout.missing_in(tenant.schema_name) if status and status.behind else [],
        "upgrade": CompanyUpgrade.objects.filter(tenant=tenant).first(),
    }


@vendor_staff_required
def tenant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(companies(), pk=pk)
    return render(request, "console/tenant_detail.html", _tenant_detail_context(tenant))


def _hold_page(request: HttpRequest, pk: int, *, suspend: bool) -> HttpResponse:
    """The confirmation page (with the reason) of a suspension or a resumption; the POST does it."""
    tenant = get_object_or_404(companies(), pk=pk)
    form = (SuspendForm if suspend else ResumeForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        act = lifecycle.suspend if suspend else lifecycle.resume
        try:
            act(tenant, reason=form.cleaned_data["reason"], by=request.user.email)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            done = (_("%(company)s is suspended: its users cannot sign in or use it until you resume it.") if suspend
                    else _("%(company)s is resumed and back to “%(state)s”."))
            messages.success(request, done % {"company": tenant.name, "state": tenant.get_status_display()})
            return redirect("console:tenant_detail", pk=tenant.pk)
    return render(request, "console/tenant_hold.html", {"company": tenant, "form": form, "suspend": suspend})


@vendor_staff_required
def tenant_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    return _hold_page(request, pk, suspend=True)


@vendor_staff_required
def tenant_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _hold_page(request, pk, suspend=False)


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


# --- upgrade rollout ---------------------------------------------------------------------------


@vendor_staff_required
def rollout_status(request: HttpRequest) -> HttpResponse:
    """Counts by upgrade state, the last runs, and per company its state, error, duration and
    migrations against the template's; ``?behind=1`` / ``?state=…`` narrow the list."""
    behind_only = request.GET.get("behind") == "1"
    state = request.GET.get("state") if request.GET.get("state") in upgrade.STATE_FILTERS else ""
    tenants = upgrade.with_state(companies(), state).select_related("upgrade").order_by("name", "pk")
    if behind_only:
        names = list(tenants.values_list("schema_name", flat=True))
        lagging = {s for s, st in rollout.statuses(names).items() if st.behind}
        tenants = tenants.filter(schema_name__in=lagging)
    size = page_size(request)
    page = Paginator(tenants, size).get_page(request.GET.get("page"))
    found = rollout.statuses([t.schema_name for t in page])
    rows = [(t, found.get(t.schema_name)) for t in page]
    return render(request, "console/rollout.html", _list_context(
        request, page, size, rows=rows, behind_only=behind_only, state=state,
        counts=upgrade.counts(companies()), runs=UpgradeRun.objects.all()[:5],
        template=rollout.template_migrations()))


@vendor_staff_required
@require_POST
def rollout_retry(request: HttpRequest) -> HttpResponse:
    """Queue the failed companies (or the one named by ``tenant``) for migration by a worker."""
    targets = companies()
    if request.POST.get("tenant"):
        targets = targets.filter(pk=request.POST.get("tenant") if request.POST["tenant"].isdigit() else None)
    else:
        targets = upgrade.with_state(targets, CompanyUpgrade.State.FAILED)
    queued = upgrade.retry(targets)
    if queued:
        messages.success(request, ngettext(
            "%(count)d company is queued for migration; refresh to follow it.",
            "%(count)d companies are queued for migration; refresh to follow them.", queued) % {"count": queued})
    else:
        messages.info(request, _("No company to migrate."))
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/console/")
                    else reverse("console:rollout"))


# --- catalogue ---------------------------------------------------------------------------------


@vendor_staff_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.prefetch_related("included_modules").order_by("-active", "sort_order", "code")
    return render(request, "console/catalogue_list.html", {"plans": plans, "kind": "plans",
                                                           "installed": installed_module_keys()})


@vendor_staff_required
def module_list(request: HttpRequest) -> HttpResponse:
    modules = Module.objects.order_by("-active", "sort_order", "key")
    return render(request, "console/catalogue_list.html", {"modules": modules, "kind": "modules",
                                                           "installed": installed_module_keys()})


def _edit(request: HttpRequest, form_class, instance, save, done: str) -> HttpResponse:
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” is saved and synced to Stripe.") % {"name": form.instance.name})
            return redirect(done)
    return render(request, "console/catalogue_form.html", {"form": form, "item": instance, "done": done})


def _save_plan(form: PlanForm) -> None:
    plan = form.save(commit=False)
    catalogue.save_plan(plan, form.cleaned_data["included_modules"])


def _save_module(form: ModuleForm) -> None:
    catalogue.save_module(form.save(commit=False))


@vendor_staff_required
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk) if pk else Plan()
    return _edit(request, PlanForm, plan, _save_plan, "console:plan_list")


@vendor_staff_required
def module_edit(request: HttpRequest, key: str | None = None) -> HttpResponse:
    module = get_object_or_404(Module, key=key) if key else Module()
    return _edit(request, ModuleForm, module, _save_module, "console:module_list")


def _on_sale(request: HttpRequest, item, done: str) -> HttpResponse:
    on_sale = request.POST.get("on_sale") == "1"
    try:
        catalogue.set_on_sale(item, on_sale)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, (_("“%(name)s” is on sale again.") if on_sale else
                                   _("“%(name)s” is archived: no longer on sale; subscribers keep it."))
                         % {"name": item.name})
    return redirect(done)


@vendor_staff_required
@require_POST
def plan_on_sale(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_sale(request, get_object_or_404(Plan, pk=pk), "console:plan_list")


@vendor_staff_required
@require_POST
def module_on_sale(request: HttpRequest, key: str) -> HttpResponse:
    return _on_sale(request, get_object_or_404(Module, key=key), "console:module_list")


# --- the vendor's settings ---------------------------------------------------------------------


@vendor_staff_required
def settings_page(request: HttpRequest) -> HttpResponse:
    form = VendorSettingsForm(request.POST or None, instance=vendor_settings.current())
    if request.method == "POST" and form.is_valid():
        try:
            vendor_settings.update(by=request.user.email, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The settings have been saved; they apply from now on."))
            return redirect("console:settings")
    return render(request, "console/settings.html", {"form": form, "defaults": vendor_settings.defaults()})


# --- staff -------------------------------------------------------------------------------------


@vendor_staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """The vendor's staff; POST adds one."""
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = staff.add_vendor_staff(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(email)s can sign in to the console now.") % {"email": member.email})
            return redirect("console:staff")
    return render(request, "console/staff.html", {"staff": staff.staff(), "form": form},
                  status=400 if form.is_bound else 200)


@vendor_staff_required
@require_POST
def staff_active(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(staff.staff(), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        staff.set_active(member, active, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, (_("%(email)s is active again.") if active
                                   else _("%(email)s can no longer sign in.")) % {"email": member.email})
    return redirect("console:staff")
