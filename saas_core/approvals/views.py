"""Approval pages (APR-01): 待我审批 with batch approve, the actions on one approval, submitting a
document, and the Boss's flow designer. Thin views over approvals.services and approvals.flows.

An approval of another company, or one the user is not part of and whose document they may not
see, is a 404; someone who sees it but may not decide gets a 403 naming the reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from saas_core.approvals import flows, registry, services
from saas_core.approvals.forms import (
    ActionForm,
    ConditionForm,
    ConditionFormSet,
    NodeForm,
    NodeFormSet,
    RouteForm,
    SettingsForm,
    kept,
)
from saas_core.approvals.models import Approval, Task
from saas_core.org.access import boss_required
from saas_core.org.scope import can_see
from web.forms import add_service_errors
from web.navigation import next_url
from web.pagination import PAGE_SIZES, paginate

TABS = ("waiting", "mine", "done")


def _approval_or_404(request: HttpRequest, pk: int) -> Approval:
    approval = services.approval_for(request.user, pk)
    if approval is None:
        raise Http404
    return approval


# --- 待我审批 -----------------------------------------------------------------------------------------


@login_required
def waiting(request: HttpRequest) -> HttpResponse:
    user = request.user
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "waiting"
    if tab == "waiting":
        rows = services.waiting_for(user)
    elif tab == "mine":
        rows = services.submitted_by(user)
    else:
        rows = (Task.objects.filter(approver=user, status__in=[Task.Status.APPROVED, Task.Status.REJECTED,
                                                                Task.Status.TRANSFERRED])
                .select_related("approval", "approval__initiator").order_by("-decided_at", "-id"))
    page, size = paginate(request, rows)
    return render(request, "approvals/list.html", {
        "tab": tab, "page": page, "page_size": size, "page_sizes": PAGE_SIZES,
        "waiting_count": page.paginator.count if tab == "waiting" else services.waiting_count(user),
        "current_url": request.get_full_path(),
    })


@login_required
@require_POST
def batch(request: HttpRequest) -> HttpResponse:
    back = next_url(request, reverse("approvals:list"))
    ids = [int(raw) for raw in request.POST.getlist("ids")[:services.BATCH_MAX] if raw.isdigit()]
    if not ids:
        messages.error(request, _("Tick at least one approval first."))
        return redirect(back)
    result = services.batch_approve(ids, by=request.user, comment=request.POST.get("comment", ""))
    if result.approved:
        messages.success(request, ngettext("%(count)d approval approved.", "%(count)d approvals approved.",
                                           result.approved) % {"count": result.approved})
    for approval, reason in result.refused:
        messages.warning(request, f"{approval.label}: {reason}")
    return redirect(back)


# --- one approval -----------------------------------------------------------------------------------


ACTIONS = ("approve", "reject", "transfer", "add-signer", "cc", "withdraw", "remind")


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    approval = _approval_or_404(request, pk)
    back = next_url(request, approval.url)
    form = ActionForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    comment = data.get("comment", "") or ""
    by = request.user
    try:
        if action == "approve":
            services.approve(approval, by=by, comment=comment)
            messages.success(request, _("Approved."))
        elif action == "reject":
            services.reject(approval, by=by, comment=comment)
            messages.success(request, _("Rejected."))
        elif action == "transfer":
            services.transfer(approval, by=by, to=data.get("to_user") or request.POST.get("to_user", ""),
                              comment=comment)
            messages.success(request, _("Transferred."))
        elif action == "add-signer":
            services.add_signer(approval, by=by, user=data.get("to_user") or request.POST.get("to_user", ""),
                                comment=comment)
            messages.success(request, _("Signer added."))
        elif action == "cc":
            count = services.cc(approval, by=by, users=list(data.get("users") or ()), comment=comment)
            messages.success(request, ngettext("Copied to %(count)d person.", "Copied to %(count)d people.",
                                               count) % {"count": count})
        elif action == "remind":
            count = services.remind(approval, by=by)
            messages.success(request, ngettext("Reminded %(count)d approver.", "Reminded %(count)d approvers.",
                                               count) % {"count": count})
        else:
            services.withdraw(approval, by=by, comment=comment)
            messages.success(request, _("Withdrawn: you may change it and submit it again."))
    except services.AlreadyDecided as exc:
        messages.info(request, " ".join(exc.messages))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    # An approver who has decided no longer sees a document outside their scope: back to the list.
    document = services.document_of(approval)
    if document is None or not can_see(by, document):
        return redirect("approvals:list")
    return redirect(back)


@login_required
@require_POST
def submit(request: HttpRequest, doc_type: str, object_id: int) -> HttpResponse:
    document_type = flows.document_type_or_404(doc_type)
    document = document_type.model.objects.filter(pk=object_id).first()
    if document is None or not can_see(request.user, document):
        raise Http404
    services.require_submitter(request.user, document)
    chosen = {}
    for key in request.POST:
        if key.startswith("chosen_") and key[7:].isdigit():
            chosen[int(key[7:])] = [int(v) for v in request.POST.getlist(key) if v.isdigit()]
    try:
        services.submit(document, by=request.user, chosen=chosen)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Submitted for approval."))
    return redirect(next_url(request, document_type.url(document)))


# --- the flow designer (the Boss) -------------------------------------------------------------------------


@boss_required
def flow_list(request: HttpRequest) -> HttpResponse:
    rows = []
    for document_type in registry.document_types():
        flow, definition = flows.current(document_type.key)
        rows.append({"type": document_type, "flow": flow, "routes": len(definition.get("routes", []))})
    return render(request, "approvals/flows.html", {"rows": rows})


def _described(document_type: registry.DocumentType, definition: dict) -> list[dict]:
    out = []
    for i, route in enumerate(definition.get("routes", [])):
        out.append({"index": i, "route": route,
                    "conditions": [flows.describe_condition(document_type, c) for c in route["conditions"]],
                    "nodes": [{**n, "approver_label": dict(flows.APPROVER_KINDS)[n["approver"]],
                               "mode_label": dict(flows.MODES)[n["mode"]]} for n in route["nodes"]]})
    return out


@boss_required
def flow_detail(request: HttpRequest, doc_type: str) -> HttpResponse:
    document_type = flows.document_type_or_404(doc_type)
    flow, definition = flows.current(doc_type)
    initial = {"enabled": flow.enabled if flow else True, "empty_node": definition.get("empty_node", "pass"),
               "resubmit": definition.get("resubmit", "start")}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            flows.save_settings(doc_type, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The flow's settings have been saved."))
            return redirect("approvals:flow", doc_type=doc_type)
    return render(request, "approvals/flow.html", {
        "type": document_type, "flow": flow, "form": form, "routes": _described(document_type, definition),
        "version": flow.version.number if flow and flow.version else 0,
    })


def _map_row_errors(exc: ValidationError, route_form, rows: dict) -> None:
    """Put the service's ``conditions.<i>.<field>`` / ``nodes.<i>.<field>`` errors on the kept rows."""
    if not hasattr(exc, "error_dict"):
        route_form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        parts = key.split(".")
        forms_ = rows.get(parts[0])
        if len(parts) == 3 and forms_ is not None and parts[1].isdigit() and int(parts[1]) < len(forms_) \
                and parts[2] in forms_[int(parts[1])].fields:
            forms_[int(parts[1])].add_error(parts[2], errors)
        else:
            route_form.add_error(key if key in route_form.fields else None, errors)


@boss_required
def route_edit(request: HttpRequest, doc_type: str, index: int | None = None) -> HttpResponse:
    document_type = flows.document_type_or_404(doc_type)
    _flow, definition = flows.current(doc_type)
    routes = definition.get("routes", [])
    if index is not None and not 0 <= index < len(routes):
        raise Http404
    route = routes[index] if index is not None else None
    data = request.POST or None
    route_form = RouteForm(data, initial={"name": route["name"], "priority": route["priority"]} if route else
                           {"priority": (max((r["priority"] for r in routes), default=0) + 1)})
    conditions = ConditionFormSet(data, prefix="conditions", form_kwargs={"document_type": document_type},
                                  initial=[ConditionForm.initial_of(c) for c in route["conditions"]] if route else None)
    nodes = NodeFormSet(data, prefix="nodes",
                        initial=[NodeForm.initial_of(n) for n in route["nodes"]] if route else None)
    if request.method == "POST" and route_form.is_valid() & conditions.is_valid() & nodes.is_valid():
        kept_conditions, kept_nodes = kept(conditions), kept(nodes)
        payload = {**route_form.cleaned_data, "conditions": [f.as_condition() for f in kept_conditions],
                   "nodes": [f.as_node() for f in kept_nodes]}
        try:
            flows.save_route(doc_type, index, payload, by=request.user)
        except ValidationError as exc:
            _map_row_errors(exc, route_form, {"conditions": kept_conditions, "nodes": kept_nodes})
        else:
            messages.success(request, _("Route “%(name)s” has been saved.") % {"name": payload["name"]})
            if "add_rows" in request.POST:
                _flow, saved = flows.current(doc_type)
                position = next(i for i, r in enumerate(saved["routes"]) if r["name"] == payload["name"])
                return redirect("approvals:route", doc_type=doc_type, index=position)
            return redirect("approvals:flow", doc_type=doc_type)
    return render(request, "approvals/route_form.html", {
        "type": document_type, "form": route_form, "conditions": conditions, "nodes": nodes, "index": index,
        "title": _("New route") if route is None else _("Edit route “%(name)s”") % {"name": route["name"]},
    })


@boss_required
@require_POST
def route_delete(request: HttpRequest, doc_type: str, index: int) -> HttpResponse:
    try:
        flows.delete_route(doc_type, index, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The route has been deleted; approvals already under way keep their path."))
    return redirect("approvals:flow", doc_type=doc_type)
