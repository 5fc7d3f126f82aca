"""REST API of the vendor console (PLT-04), on the public host: /api/v1/console/…

Vendor staff only (session, or a token from ``auth/token/``). The pages' forms validate the
input here too, and the same services act: ``billing.catalogue``, ``tenants.lifecycle``,
``tenants.vendor_settings``; bad input is a 400 with the field map.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from billing import catalogue
from billing.models import Module, Plan, installed_module_keys
from billing.money import to_decimal
from saas_core.accounts import services as accounts
from saas_core.accounts.api import TokenRequestSerializer, TokenSerializer, token_response
from saas_core.api import PageNumberPagination
from tenants import lifecycle, upgrade, vendor_settings
from tenants.console import api_schema as doc
from tenants.console import queries, rollout
from tenants.console.forms import ModuleForm, PlanForm, TenantFilterForm, VendorSettingsForm
from tenants.models import CompanyUpgrade, Tenant


class IsVendorStaff(BasePermission):
    message = gettext_lazy("Only the vendor's staff may use the console.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and user.is_active)


def _companies():
    from tenants.console.views import companies

    return companies()


def _money(amount, currency: str | None) -> str | None:
    return str(to_decimal(amount, currency)) if currency else None


def _invalid(form) -> ValidationError:
    return ValidationError({k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()})


def _company(t: Tenant) -> dict:
    return {
        "id": t.pk, "name": t.name, "workspace": t.schema_name, "status": t.status,
        "suspended": t.suspended_at is not None, "suspended_reason": t.suspended_reason,
        "plan": t.plan_name, "seats": t.seats, "currency": t.currency_code,
        "mrr": _money(t.mrr_minor, t.currency_code), "mrr_minor": str(t.mrr_minor),
        "last_activity_at": t.last_activity_at, "created_at": t.created_at,
    }


@extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
@api_view(["POST"])
@permission_classes([AllowAny])
def obtain_token(request: Request) -> Response:
    """A vendor staff member's user name and password → an API token (logged like any sign-in)."""
    result = accounts.attempt_login(request._request, str(request.data.get("username", "")),
                                    str(request.data.get("password", "")), staff_only=True)
    return token_response(result)


@extend_schema(responses=doc.CompanyPageSerializer, operation_id="console_companies_list")
@api_view(["GET"])
@permission_classes([IsVendorStaff])
def tenants(request: Request) -> Response:
    """Companies with plan, seats, MRR and last activity: ``?q=&status=&plan=&sort=-mrr&page=``."""
    form = TenantFilterForm(request.query_params or None)
    if request.query_params and not form.is_valid():
        raise _invalid(form)
    filters = getattr(form, "cleaned_data", {})
    matching = queries.filtered(_companies(), q=(filters.get("q") or "").strip(), status=filters.get("status") or "",
                                plan=filters.get("plan"))
    rows = queries.sorted_by(queries.with_figures(matching), filters.get("sort") or "-created")
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(rows, request)
    response = paginator.get_paginated_response([_company(t) for t in page])
    response.data["mrr_totals"] = {cur: _money(total, cur) for cur, total in queries.mrr_totals(matching)}
    return response


@extend_schema(responses=doc.CompanyDetailSerializer, operation_id="console_company_retrieve")
@api_view(["GET"])
@permission_classes([IsVendorStaff])
def tenant(request: Request, pk: int) -> Response:
    return Response(_company_detail(pk))


def _company_detail(pk: int) -> dict:
    company = get_object_or_404(queries.with_figures(_companies()), pk=pk)
    st = rollout.statuses([company.schema_name]).get(company.schema_name)
    data = _company(company)
    data["migrations"] = None if st is None else {
        "applied": st.applied, "missing": st.missing, "extra": st.extra, "latest": st.latest,
        "missing_names": [f"{a}.{n}" for a, n in rollout.missing_in(company.schema_name)] if st.behind else []}
    data["audit"] = [{"action": e.action, "reason": e.reason, "by": e.by, "at": e.at}
                     for e in company.audit_entries.all()[:50]]
    return data


@extend_schema(request=doc.HoldSerializer, responses=doc.CompanyDetailSerializer, parameters=[doc.HOLD_ACTION])
@api_view(["POST"])
@permission_classes([IsVendorStaff])
def tenant_hold(request: Request, pk: int, action: str) -> Response:
    """``suspend`` (``{"reason": …}`` required) or ``resume``."""
    act = {"suspend": lifecycle.suspend, "resume": lifecycle.resume}.get(action)
    if act is None:
        raise Http404
    company = get_object_or_404(_companies(), pk=pk)
    act(company, reason=str(request.data.get("reason", "") or ""), by=request.user.email)
    return Response(_company_detail(pk))


@extend_schema(responses=doc.RolloutPageSerializer, parameters=[doc.ROLLOUT_BEHIND])
@api_view(["GET"])
@permission_classes([IsVendorStaff])
def rollout_status(request: Request) -> Response:
    """Per company: migrations against the template's and the upgrade state (tenants.upgrade);
    ``?behind=1`` only those behind, ``?state=failed`` (pending, migrating, done, none) one state."""
    state = request.query_params.get("state", "")
    companies = upgrade.with_state(_companies(), state if state in upgrade.STATE_FILTERS else "")
    companies = companies.select_related("upgrade").order_by("name", "pk")
    found = rollout.statuses(list(companies.values_list("schema_name", flat=True)))
    rows = [{"id": t.pk, "workspace": t.schema_name, "applied": st.applied, "missing": st.missing, "extra": st.extra,
             "upgrade": _upgrade(t)}
            for t in companies for st in [found.get(t.schema_name)] if st is not None
            and (request.query_params.get("behind") != "1" or st.behind)]
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(rows, request)
    response = paginator.get_paginated_response(page)
    response.data["template_migrations"] = len(rollout.template_migrations())
    response.data["upgrade_counts"] = upgrade.counts(_companies())
    return response


def _upgrade(t: Tenant) -> dict | None:
    try:
        u = t.upgrade
    except CompanyUpgrade.DoesNotExist:
        return None
    return {"state": u.state, "error": u.error, "attempts": u.attempts, "seconds": u.seconds,
            "started_at": u.started_at, "finished_at": u.finished_at, "fingerprint": u.fingerprint}


# --- catalogue ---------------------------------------------------------------------------------


def _plan(p: Plan) -> dict:
    return {"id": p.pk, "code": p.code, "name": p.name, "description": p.description,
            "price_per_seat_minor": p.price_per_seat_minor, "price": _money(p.price_per_seat_minor, p.currency),
            "currency": p.currency, "interval": p.interval, "min_seats": p.min_seats,
            "storage_quota_mb": p.storage_quota_mb, "active": p.active, "sort_order": p.sort_order,
            "included_modules": list(p.included_modules.values_list("key", flat=True)),
            "stripe_plan_id": p.stripe_plan_id}


def _module(m: Module) -> dict:
    return {"key": m.key, "name": m.name, "description": m.description, "price_minor": m.price_minor,
            "price": _money(m.price_minor, m.currency), "currency": m.currency, "active": m.active,
            "sort_order": m.sort_order, "stripe_plan_id": m.stripe_plan_id,
            "installed": m.key in installed_module_keys()}


def _form_data(form_class, instance, data) -> dict:
    """The instance's current values overlaid with the request's (PATCH changes only what it names)."""
    fields = [f for f in form_class._meta.fields if f != "price"]
    current = model_to_dict(instance, fields=fields) if not instance._state.adding else {}
    if "included_modules" in current:  # a module no longer installed drops out rather than blocking the save
        installed = set(Module.objects.installed().values_list("pk", flat=True))
        current["included_modules"] = [pk for pk in (getattr(m, "pk", m) for m in current["included_modules"])
                                       if pk in installed]
    if not instance._state.adding:
        current["price"] = to_decimal(getattr(instance, form_class.minor_field), instance.currency)
    return {**current, **dict(data.items())}


def _save(form_class, instance, request: Request, save, render) -> Response:
    form = form_class(_form_data(form_class, instance, request.data), instance=instance)
    if not form.is_valid():
        raise _invalid(form)
    created = instance._state.adding
    item = save(form)
    if "active" in request.data:
        item = catalogue.set_on_sale(item, bool(request.data["active"]) and request.data["active"] not in ("0", "false"))
    return Response(render(item), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _save_plan(form: PlanForm) -> Plan:
    return catalogue.save_plan(form.save(commit=False), form.cleaned_data["included_modules"])


def _save_module(form: ModuleForm) -> Module:
    return catalogue.save_module(form.save(commit=False))


# kind -> (model, form, save, render, the items' order)
CATALOGUE = {
    "plans": (Plan, PlanForm, _save_plan, _plan, ("sort_order", "code")),
    "modules": (Module, ModuleForm, _save_module, _module, ("sort_order", "key")),
}


def _items(request: Request, kind: str) -> Response:
    model, form_class, save, render, order = CATALOGUE[kind]
    if request.method == "POST":
        return _save(form_class, model(), request, save, render)
    return Response([render(item) for item in model.objects.order_by(*order)])


def _item(request: Request, kind: str, pk: str) -> Response:
    model, form_class, save, render, _order = CATALOGUE[kind]
    item = get_object_or_404(model, pk=pk)
    if request.method == "PATCH":
        return _save(form_class, item, request, save, render)
    return Response(render(item))


# One view per kind and URL, so that the schema can say what each takes and answers.

@extend_schema(methods=["GET"], responses=doc.PlanSerializer(many=True))
@extend_schema(methods=["POST"], request=doc.PlanInputSerializer, responses={201: doc.PlanSerializer})
@api_view(["GET", "POST"])
@permission_classes([IsVendorStaff])
def plans(request: Request) -> Response:
    return _items(request, "plans")


@extend_schema(request=doc.PlanInputSerializer, responses=doc.PlanSerializer)
@api_view(["GET", "PATCH"])
@permission_classes([IsVendorStaff])
def plan(request: Request, pk: int) -> Response:
    return _item(request, "plans", pk)


@extend_schema(methods=["GET"], responses=doc.ModuleSerializer(many=True))
@extend_schema(methods=["POST"], request=doc.ModuleInputSerializer, responses={201: doc.ModuleSerializer})
@api_view(["GET", "POST"])
@permission_classes([IsVendorStaff])
def modules(request: Request) -> Response:
    return _items(request, "modules")


@extend_schema(request=doc.ModuleInputSerializer, responses=doc.ModuleSerializer)
@api_view(["GET", "PATCH"])
@permission_classes([IsVendorStaff])
def module(request: Request, pk: str) -> Response:
    return _item(request, "modules", pk)


@extend_schema(request=doc.VendorSettingsSerializer, responses=doc.VendorSettingsSerializer)
@api_view(["GET", "PUT", "PATCH"])
@permission_classes([IsVendorStaff])
def settings_(request: Request) -> Response:
    current = vendor_settings.current()
    if request.method != "GET":
        form = VendorSettingsForm({**{f: getattr(current, f) for f in vendor_settings.FIELDS}, **request.data},
                                  instance=current)
        if not form.is_valid():
            raise _invalid(form)
        current = vendor_settings.update(by=request.user.email, **form.cleaned_data)
    return Response({f: getattr(current, f) for f in vendor_settings.FIELDS})
