"""Public pool pages (CUS-06): thin views over pools.services.

The Boss sets pools and rules up; members browse a pool, claim from it and release into it;
admins assign. A rule the service refuses is shown as a message, a right the user lacks is a 403
saying why, and a pool the user may not open is a 403 naming it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from saas_core.customers.models import Customer
from saas_core.customers.search import search_customers
from saas_core.org.access import boss_required, can, permission_required
from saas_core.org.scope import visible
from saas_core.pools import services
from saas_core.pools.forms import AssignForm, DeletePoolForm, DepartedForm, PoolForm, ReleaseForm, RuleForm
from saas_core.pools.models import Pool, ReclaimRule
from web.forms import add_service_errors
from web.pagination import PAGE_SIZES, paginate


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _pool_or_404(request: HttpRequest, pk: int) -> Pool:
    pool = get_object_or_404(Pool, pk=pk)
    services.require_use(pool, request.user)
    return pool


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- list and setup ------------------------------------------------------------------------------


@permission_required("customers", "view")
def pool_list(request: HttpRequest) -> HttpResponse:
    pools = list(services.visible_pools(request.user).prefetch_related("rules", "admins"))
    counts = services.counts(pools)
    rows = [(pool, counts.get(pool.pk, 0)) for pool in pools]
    return render(request, "pools/list.html", {"rows": rows, "is_boss": request.user.is_boss})


def _save_pool(request: HttpRequest, pool: Pool | None) -> HttpResponse:
    form = PoolForm(request.POST or None, instance=pool)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lists = {key: data.pop(key) for key in ("member_users", "member_departments", "admins")}
        try:
            pool = services.save_pool(pool, by=request.user, **lists, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The public pool “%(name)s” has been saved.") % {"name": pool.name})
            return redirect("pools:detail", pk=pool.pk)
    title = _("New public pool") if pool is None else _("Edit public pool “%(name)s”") % {"name": pool.name}
    return render(request, "pools/form.html", {"form": form, "title": title, "pool": pool})


@boss_required
def pool_create(request: HttpRequest) -> HttpResponse:
    return _save_pool(request, None)


@boss_required
def pool_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_pool(request, get_object_or_404(Pool, pk=pk))


@boss_required
def pool_delete(request: HttpRequest, pk: int) -> HttpResponse:
    pool = get_object_or_404(Pool, pk=pk)
    form = DeletePoolForm(request.POST or None, pool=pool)
    held = services.counts([pool]).get(pool.pk, 0)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_pool(pool, by=request.user, move_to=form.cleaned_data["move_to"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The public pool “%(name)s” has been deleted.") % {"name": pool.name})
            return redirect("pools:list")
    return render(request, "pools/confirm_delete.html", {"pool": pool, "form": form, "held": held})


# --- one pool -----------------------------------------------------------------------------------


@permission_required("customers", "view")
def pool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pool = _pool_or_404(request, pk)
    query = (request.GET.get("q") or "").strip()
    customers = services.pool_customers(pool)
    if query:
        customers = search_customers(customers, query)
    page, size = paginate(request, customers)
    user = request.user
    admin = services.is_admin(pool, user)
    warnings = services.current_warnings(pool=pool)
    if not admin:
        warnings = warnings.filter(owner=user)
    return render(request, "pools/detail.html", {
        "pool": pool, "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "q": query,
        "is_admin": admin, "may_claim": can(user, "customers", "edit"),
        "assign_form": AssignForm(users=services.claimable_users(pool)) if admin else None,
        "claimed_today": services.claimed_today(pool, user), "held": services.held_by(user),
        "rules": list(pool.rules.select_related("level", "level__type")),
        "warnings": list(warnings[:50]),
    })


@permission_required("customers", "edit")
@require_POST
def pool_claim(request: HttpRequest, pk: int, customer_pk: int) -> HttpResponse:
    pool = _pool_or_404(request, pk)
    back = _safe_next(request, reverse("pools:detail", args=[pool.pk]))
    if not Customer.objects.filter(pk=customer_pk).exists():
        raise Http404
    try:
        customer = services.claim(customer_pk, by=request.user, pool=pool)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("“%(name)s” is now your customer.") % {"name": customer.name})
    return redirect(back)


@permission_required("customers", "view")
@require_POST
def pool_assign(request: HttpRequest, pk: int) -> HttpResponse:
    pool = _pool_or_404(request, pk)
    services.require_admin(pool, request.user)
    back = _safe_next(request, reverse("pools:detail", args=[pool.pk]))
    form = AssignForm(request.POST, users=services.claimable_users(pool))
    if not form.is_valid():
        messages.error(request, _("Choose a customer of the pool and a member to assign it to."))
        return redirect(back)
    if not Customer.objects.filter(pk=form.cleaned_data["customer"]).exists():
        raise Http404
    try:
        customer = services.assign(form.cleaned_data["customer"], to=form.cleaned_data["user"], by=request.user,
                                   pool=pool)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("“%(name)s” has been assigned to %(user)s.") % {
            "name": customer.name, "user": customer.owner})
    return redirect(back)


# --- rules --------------------------------------------------------------------------------------


@boss_required
def rule_list(request: HttpRequest, pk: int) -> HttpResponse:
    pool = get_object_or_404(Pool, pk=pk)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(pool=pool, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The reclaim rule has been added."))
            return redirect("pools:rules", pk=pool.pk)
    rules = pool.rules.select_related("level", "level__type")
    return render(request, "pools/rules.html", {"pool": pool, "rules": rules, "form": form})


@boss_required
def rule_edit(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    pool = get_object_or_404(Pool, pk=pk)
    rule = get_object_or_404(ReclaimRule, pk=rule_pk, pool=pool)
    initial = {"level": rule.level_id or "", "kind": rule.kind, "days": rule.days, "is_active": rule.is_active}
    form = RuleForm(request.POST or None, initial=initial, keep=rule.level_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(rule, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The reclaim rule has been saved."))
            return redirect("pools:rules", pk=pool.pk)
    return render(request, "pools/rule_form.html", {"pool": pool, "rule": rule, "form": form})


@boss_required
@require_POST
def rule_delete(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    rule = get_object_or_404(ReclaimRule, pk=rule_pk, pool_id=pk)
    services.delete_rule(rule, by=request.user)
    messages.success(request, _("The reclaim rule has been deleted."))
    return redirect("pools:rules", pk=pk)


# --- release ------------------------------------------------------------------------------------


def _requested_ids(request: HttpRequest) -> list[int]:
    raw = request.POST.get("customers") or request.GET.get("customers") or ""
    ids = []
    for part in raw.replace(" ", "").split(","):
        if part.isdigit():
            ids.append(int(part))
    return sorted(set(ids))


@permission_required("customers", "edit")
def release(request: HttpRequest) -> HttpResponse:
    """/pools/release/?customers=1,2,3: choose the pool and the reason, then release them all."""
    ids = _requested_ids(request)
    shown = list(visible(Customer.objects.filter(pk__in=ids), request.user).select_related("owner")[:500])
    pools = Pool.objects.filter(pk__in=[p.pk for p in services.visible_pools(request.user)])
    form = ReleaseForm(request.POST or None, pools=pools)
    back = _safe_next(request, reverse("pools:list"))
    if ids and request.method == "POST" and form.is_valid():
        if len(shown) < len(ids):
            form.add_error(None, _("Some of the chosen customers cannot be found."))
        else:
            pool = form.cleaned_data["pool"]
            try:
                count = services.release(ids, pool, by=request.user, reason=form.cleaned_data["reason"],
                                         note=form.cleaned_data["note"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, ngettext(
                    "%(count)d customer has been released to “%(pool)s”.",
                    "%(count)d customers have been released to “%(pool)s”.", count,
                ) % {"count": count, "pool": pool.name})
                return redirect(back)
    return render(request, "pools/release.html", {
        "form": form, "customers": shown, "ids": ",".join(map(str, ids)), "next": back, "no_pools": not pools,
    })


@boss_required
def departed(request: HttpRequest) -> HttpResponse:
    """The Boss sends a departed user's customers to a pool."""
    form = DepartedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                count = services.release_all_of(data["user"], data["pool"], by=request.user, reason=data["reason"],
                                                disable=data["disable"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, ngettext(
                "%(count)d customer of %(user)s has been released to “%(pool)s”.",
                "%(count)d customers of %(user)s have been released to “%(pool)s”.", count,
            ) % {"count": count, "user": data["user"], "pool": data["pool"].name})
            return redirect("pools:detail", pk=data["pool"].pk)
    return render(request, "pools/departed.html", {"form": form})


# --- my warnings --------------------------------------------------------------------------------


@permission_required("customers", "view")
def my_warnings(request: HttpRequest) -> HttpResponse:
    warnings = services.current_warnings(owner=request.user)
    return render(request, "pools/warnings.html", {"warnings": list(warnings[:500]), "now": timezone.now()})
