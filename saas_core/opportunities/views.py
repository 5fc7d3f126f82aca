"""Opportunity pages (OPP-01, OPP-02): thin views over opportunities.services, queries and funnel.

Every list and figure goes through the data scope; an opportunity outside it (or another
company's) is a 404; an action the role may not take is a 403 naming it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from saas_core.customers import access as customer_access
from saas_core.dictionaries.models import DictionaryItem
from saas_core.opportunities import detail_panels, funnel, queries, services
from saas_core.opportunities.forms import OpportunityForm, StageChangeForm
from saas_core.opportunities.models import Opportunity, OpportunityType, Stage
from saas_core.org.access import can, has_right, permission_required, require
from saas_core.org.scope import can_see
from saas_core.records import bin as recycle_bin
from saas_core.records.batch import batch_view
from saas_core.records.lists import list_controls
from web.forms import add_service_errors
from web.navigation import next_url, pk_urls
from web.pagination import page_size

MODULE = "opportunities"
BATCH_MAX = 500
KANBAN_CARDS = 20


def _opportunity_or_404(request: HttpRequest, pk: int) -> Opportunity:
    opportunity = (Opportunity.objects.select_related("customer", "type", "stage", "owner", "source", "lost_reason")
                   .filter(pk=pk).first())
    if opportunity is None or not can_see(request.user, opportunity):
        raise Http404
    return opportunity


def _export_url(request: HttpRequest) -> str | None:
    if not (can(request.user, MODULE, "export") and has_right(request.user, "export_excel")):
        return None
    query = request.GET.copy()
    for key in ("page", "page_size"):
        query.pop(key, None)
    return reverse("imports:export", args=[MODULE]) + ("?" + query.urlencode() if query else "")


# --- the list -----------------------------------------------------------------------------------


# What a row shows (list.html): whole customers and users (their search keys, passwords ...) were
# most of the rows' cost.
ROW_FIELDS = ("subject", "customer_id", "type_id", "stage_id", "owner_id", "probability", "expected_amount",
              "expected_sign_on", "created_at", "customer__name", "type__name_zh", "type__name_en",
              "stage__name_zh", "stage__name_en", "stage__outcome", "owner__name", "owner__username")


@permission_required(MODULE, "view")
def opportunity_list(request: HttpRequest) -> HttpResponse:
    form, filters = queries.read_filters(request.GET, request.user)
    sort = request.GET.get("sort") if request.GET.get("sort") in queries.SORTS else queries.DEFAULT_SORT
    rows = services.stage_since(queries.opportunity_list(request.user, filters, sort)).select_related(
        "customer", "type", "stage", "owner").only(*ROW_FIELDS)
    # One LIMIT query, no COUNT over the whole scope: size + 1 rows tell whether a next page exists.
    size = page_size(request)
    number = min(max(int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1, 1), 100_000)
    fetched = list(rows[(number - 1) * size:number * size + 1])
    page = fetched[:size]
    detail_url, customer_url = pk_urls("opportunities:detail"), pk_urls("customers:detail")
    for row in page:
        row.days_in_stage = services.days_in_stage(row)
        row.url, row.customer_url = detail_url(row.pk), customer_url(row.customer_id)
    user = request.user
    can_edit = can(user, MODULE, "edit")
    stages = Stage.objects.select_related("type").order_by("type__position", "type_id", "position")
    controls = list_controls(form, can_edit=can_edit, choices={
        "stage": [("", form.fields["stage"].empty_label), *((s.pk, f"{s.type.label} · {s.label}") for s in stages)]})
    query = request.GET.copy()
    query.pop("page", None)
    base = "?" + (query.urlencode() + "&" if query else "")
    return render(request, "opportunities/list.html", {
        "form": form, "page": page, "number": number, "page_size": size, "sort": sort,
        "previous_url": f"{base}page={number - 1}" if number > 1 else "",
        "next_url": f"{base}page={number + 1}" if len(fetched) > size else "",
        "can_create": can(user, MODULE, "create"), "can_edit": can_edit,
        "can_delete": can(user, MODULE, "delete"), "export_url": _export_url(request),
        "current_url": request.get_full_path(), **controls,
    })


@permission_required(MODULE, "view")
@require_POST
def opportunity_batch(request: HttpRequest) -> HttpResponse:
    """Transfer the ticked opportunities to someone, or move them to the recycle bin."""
    return batch_view(request, module=MODULE, queryset=services.opportunities_for(request.user),
                      words=services.batch_words(), back=next_url(request, reverse("opportunities:list")))


# --- the board ------------------------------------------------------------------------------------




@permission_required(MODULE, "view")
def kanban(request: HttpRequest) -> HttpResponse:
    """The board of one type: a column per stage, the newest cards first, drag to change stage."""
    form, filters = queries.read_filters(request.GET, request.user)
    types = list(OpportunityType.objects.filter(is_active=True).order_by("position", "id"))
    kind = filters.get("type") or (types[0] if types else None)
    columns = []
    if kind is not None:
        filters = {**filters, "type": kind}
        filters.pop("stage", None)
        stages = services.stages_of(kind)
        stage_ids = [s.pk for s in stages]
        # Two queries whatever the number of columns: the newest cards of every stage, and the
        # per-stage counts and amounts (by stage id rather than type: read from the stage indexes).
        cards = queries.newest_per_stage(queries.opportunity_list(request.user, filters), stage_ids, KANBAN_CARDS)
        counted = queries.opportunity_list(request.user, {k: v for k, v in filters.items() if k != "type"})
        counts = funnel.per_stage(counted.filter(stage__in=stage_ids))
        detail_url, stage_url = pk_urls("opportunities:detail"), pk_urls("opportunities:stage")
        for card in (card for column in cards.values() for card in column):
            card["url"], card["stage_url"] = detail_url(card["id"]), stage_url(card["id"])
        for stage in stages:
            n, amount = counts.get(stage.pk, (0, 0))
            columns.append({"stage": stage, "cards": cards[stage.pk], "count": n, "amount": amount,
                            "more_url": reverse("opportunities:list") + "?" + queries.query_string(filters, stage=stage)})
    return render(request, "opportunities/kanban.html", {
        "form": form, "kind": kind, "columns": columns, "types": types,
        "can_edit": can(request.user, MODULE, "edit"),
        "lost_reasons": DictionaryItem.objects.filter(type__key="lost_reason", is_active=True).order_by("order", "id"),
    })


# --- one opportunity ---------------------------------------------------------------------------------


@permission_required(MODULE, "view")
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity_or_404(request, pk)
    history = list(opportunity.stage_changes.select_related("from_stage", "to_stage", "by", "lost_reason"))
    return render(request, "opportunities/detail.html", {
        "opportunity": opportunity, "history": history, "days_in_stage": services.days_in_stage(opportunity),
        "contacts": list(opportunity.contacts.all()), "panels": detail_panels.panels_for(request, opportunity),
        "stage_form": StageChangeForm(opportunity=opportunity) if can(request.user, MODULE, "edit") else None,
        "can_edit": can(request.user, MODULE, "edit"), "can_delete": can(request.user, MODULE, "delete"),
    })


def _form_page(request: HttpRequest, opportunity: Opportunity | None) -> HttpResponse:
    customer = customer_access.customer_in_query(request) if opportunity is None else None
    form = OpportunityForm(request.POST or None, instance=opportunity, user=request.user, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            if opportunity is None:
                saved = services.create_opportunity(by=request.user, **form.service_fields())
            else:
                saved = services.update_opportunity(opportunity, by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Opportunity “%(subject)s” has been saved.") % {"subject": saved.subject})
            return redirect(next_url(request, reverse("opportunities:detail", args=[saved.pk])))
    fallback = reverse("opportunities:detail", args=[opportunity.pk]) if opportunity else reverse("opportunities:list")
    return render(request, "opportunities/form.html", {
        "form": form, "opportunity": opportunity, "customer": customer, "next": next_url(request, fallback),
        "title": _("New opportunity") if opportunity is None else _("Edit opportunity"),
        "contacts_url": reverse("opportunities:contact_pick"),
    })


@permission_required(MODULE, "create")
def opportunity_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@permission_required(MODULE, "edit")
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, _opportunity_or_404(request, pk))


@permission_required(MODULE, "view")
def opportunity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity_or_404(request, pk)
    require(request.user, MODULE, "delete")
    if request.method == "POST":
        recycle_bin.trash(opportunity, by=request.user)
        messages.success(request, _("Opportunity “%(subject)s” moved to the recycle bin.") % {"subject": opportunity})
        return redirect("opportunities:list")
    return render(request, "opportunities/confirm_delete.html", {"opportunity": opportunity})


def _stage_errors(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


@permission_required(MODULE, "view")
@require_POST
def opportunity_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the stage: the detail page's form (redirects) and the board's drag (JSON, 400 with field errors)."""
    opportunity = _opportunity_or_404(request, pk)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if not can(request.user, MODULE, "edit"):
        if wants_json:
            return JsonResponse({"errors": {"__all__": [_("You may not change opportunities.")]}}, status=403)
        require(request.user, MODULE, "edit")
    # Any stage id is taken here: one of another type gets the service's field error, not "invalid choice".
    form = StageChangeForm(request.POST)
    errors: dict = {}
    if form.is_valid():
        try:
            services.change_stage(opportunity, by=request.user, stage=form.cleaned_data["stage"],
                                  note=form.cleaned_data["note"], lost_reason=form.cleaned_data["lost_reason"])
        except ValidationError as exc:
            errors = _stage_errors(exc)
    else:
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
    if wants_json:
        if errors:
            return JsonResponse({"errors": errors}, status=400)
        opportunity.refresh_from_db()
        return JsonResponse({"id": opportunity.pk, "stage": opportunity.stage_id, "probability": opportunity.probability,
                             "stage_label": opportunity.stage.label})
    for messages_ in errors.values():
        for message in messages_:
            messages.error(request, message)
    if not errors:
        messages.success(request, _("The stage is now “%(stage)s”.") % {"stage": opportunity.stage.label})
    return redirect("opportunities:detail", pk=opportunity.pk)


# --- picking an opportunity (activities' forms) ---------------------------------------------------


@permission_required(MODULE, "view")
@require_GET
def opportunity_pick(request: HttpRequest) -> JsonResponse:
    """The open and closed opportunities of one customer the user may see (the task/follow-up forms)."""
    customer = customer_access.visible_customer_in_query(request)
    if customer is None:
        return JsonResponse({"results": []})
    rows = services.customer_opportunities(request.user, customer).order_by("-created_at")[:50]
    return JsonResponse({"results": [{"id": o.pk, "text": f"{o.subject} · {o.stage.label}"} for o in rows]})


@permission_required(MODULE, "view")
@require_GET
def contact_pick(request: HttpRequest) -> JsonResponse:
    """The contacts of one customer the user may see: the opportunity form refills its contacts when the
    customer changes (the same set the form accepts)."""
    customer = customer_access.visible_customer_in_query(request)
    if customer is None:
        return JsonResponse({"results": []})
    return JsonResponse({"results": [{"id": c.pk, "text": str(c)} for c in OpportunityForm.contacts_of(customer)]})


# --- funnel and forecast ---------------------------------------------------------------------------


def _figures(request: HttpRequest):
    form, filters = queries.read_filters(request.GET, request.user)
    list_url = reverse("opportunities:list")
    scoped = services.opportunities_for(request.user)
    page_figures = funnel.figures(queries.apply_filters(scoped, filters, request.user), filters=filters, list_url=list_url)
    whole = page_figures if not filters else funnel.figures(scoped, list_url=list_url)
    return form, filters, page_figures, whole


def _chart_data(figures: funnel.Figures) -> dict:
    return {
        "funnels": [{"type": f.type.label, "stages": [
            {"name": r.stage.label, "count": r.count, "amount": str(r.amount), "url": r.url} for r in f.rows]}
            for f in figures.funnels],
        "forecast": [{"month": r.month if r.month != "none" else _("No date"), "weighted": str(r.weighted),
                      "amount": str(r.amount), "url": r.url} for r in figures.forecast],
        "labels": {"count": _("Opportunities"), "amount": _("Expected amount"), "weighted": _("Weighted forecast")},
    }


@permission_required(MODULE, "view")
def funnel_page(request: HttpRequest) -> HttpResponse:
    form, filters, figures, whole = _figures(request)
    query = request.GET.urlencode()
    return render(request, "opportunities/funnel.html", {
        "form": form, "figures": figures, "whole": whole, "filtered": bool(filters),
        "chart_data": _chart_data(figures),
        "export_url": reverse("opportunities:funnel_export") + (f"?{query}" if query else "")
        if can(request.user, MODULE, "export") and has_right(request.user, "export_excel") else None,
    })


@permission_required(MODULE, "export")
@require_GET
def funnel_export(request: HttpRequest) -> HttpResponse:
    from saas_core.opportunities import funnel_export as exporter

    if not has_right(request.user, "export_excel"):
        raise PermissionDenied(_("Your role may not export to Excel."))
    _form, _filters, figures, whole = _figures(request)
    return exporter.response(figures, whole)


# --- types and stages (the Boss) -------------------------------------------------------------------


def _boss(request: HttpRequest) -> None:
    if not getattr(request.user, "is_boss", False):
        raise PermissionDenied(_("Only the Boss may change opportunity types and stages."))


def _type_or_404(pk: int) -> OpportunityType:
    kind = OpportunityType.objects.filter(pk=pk).first()
    if kind is None:
        raise Http404
    return kind


def types_page(request: HttpRequest) -> HttpResponse:
    """Every type with its ordered stages; add and rename types and stages, reorder, remove unused stages."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    _boss(request)
    errors: dict = {}
    if request.method == "POST":
        errors = _types_post(request)
        if not errors:
            return redirect("opportunities:types")
    types = list(OpportunityType.objects.prefetch_related("stages"))
    return render(request, "opportunities/types.html", {
        "types": types, "errors": errors, "outcomes": Stage.Outcome.choices, "posted": request.POST,
    })


def _types_post(request: HttpRequest) -> dict:
    post, by = request.POST, request.user
    action = post.get("action", "")
    try:
        if action == "save_type":
            kind = _type_or_404(int(post["type"])) if post.get("type", "").isdigit() else None
            services.save_type(kind, by=by, name_zh=post.get("name_zh", ""), name_en=post.get("name_en", ""),
                               is_active=post.get("is_active") == "on" or kind is None)
        elif action == "save_stage":
            kind = _type_or_404(int(post.get("type") or 0)) if post.get("type", "").isdigit() else None
            stage = Stage.objects.filter(pk=post["stage"]).first() if post.get("stage", "").isdigit() else None
            services.save_stage(stage, by=by, type=kind, name_zh=post.get("name_zh", ""),
                                name_en=post.get("name_en", ""), probability=post.get("probability", ""),
                                outcome=post.get("outcome", Stage.Outcome.OPEN))
        elif action in ("up", "down"):
            stage = Stage.objects.filter(pk=post.get("stage") or 0).first() if post.get("stage", "").isdigit() else None
            if stage is None:
                raise Http404
            ids = [s.pk for s in services.stages_of(stage.type)]
            i = ids.index(stage.pk)
            j = i - 1 if action == "up" else i + 1
            if 0 <= j < len(ids):
                ids[i], ids[j] = ids[j], ids[i]
                services.reorder_stages(stage.type, ids, by=by)
        elif action == "reorder":
            kind = _type_or_404(int(post.get("type") or 0))
            services.reorder_stages(kind, [int(x) for x in post.getlist("order") if x.isdigit()], by=by)
        elif action == "delete_stage":
            stage = Stage.objects.filter(pk=post.get("stage") or 0).first() if post.get("stage", "").isdigit() else None
            if stage is None:
                raise Http404
            services.delete_stage(stage, by=by)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    messages.success(request, _("Saved."))
    return {}
