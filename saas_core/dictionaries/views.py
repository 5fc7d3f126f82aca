"""Dictionary pages (DICT-01): thin views over dictionaries.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas_core.dictionaries import queries, services
from saas_core.dictionaries.forms import ItemForm, RenameForm, TypeFilterForm
from saas_core.dictionaries.models import DictionaryItem, DictionaryType, in_language
from saas_core.dictionaries.permissions import CREATE, DELETE, EDIT, VIEW, dictionaries_permission, may


def _rights(user) -> dict:
    return {"may_create": may(user, CREATE), "may_edit": may(user, EDIT), "may_delete": may(user, DELETE)}


def _item(key: str, pk: int) -> DictionaryItem:
    return get_object_or_404(DictionaryItem.objects.select_related("type"), pk=pk, type__key=key,
                             type__in=queries.visible_types())


def _back(item_or_type) -> HttpResponse:
    dtype = getattr(item_or_type, "type", item_or_type)
    return redirect("dictionaries:type_detail", key=dtype.key)


@dictionaries_permission(VIEW)
def type_list(request: HttpRequest) -> HttpResponse:
    filters = TypeFilterForm(request.GET or None)
    q = filters.cleaned_data["q"] if filters.is_valid() else ""
    found = list(queries.types(q=q))
    return render(request, "dictionaries/type_list.html", {
        "filters": filters, "q": q, "groups": queries.grouped(found), "found": len(found),
    })


def _extra_columns(dtype: DictionaryType) -> list[str]:
    return [in_language(spec.get("label_zh", ""), spec.get("label_en", "")) or spec["name"] for spec in dtype.extra_fields or []]


def _extra_values(dtype: DictionaryType, item: DictionaryItem) -> list[str]:
    values = []
    for spec in dtype.extra_fields or []:
        value = (item.extra or {}).get(spec["name"], "")
        for choice in spec.get("choices", []):
            if choice[0] == value:
                value = in_language(choice[1], choice[2])
        values.append(value)
    return values


def _detail(request: HttpRequest, dtype: DictionaryType, form: ItemForm | None = None, status: int = 200):
    rows = [(item, _extra_values(dtype, item)) for item in queries.items(dtype)]
    return render(request, "dictionaries/type_detail.html", {
        "dtype": dtype, "rows": rows, "form": form or ItemForm(dtype), "extra_columns": _extra_columns(dtype),
        "extra_field_names": [f"extra__{spec['name']}" for spec in dtype.extra_fields or []],
        **_rights(request.user),
    }, status=status)


@dictionaries_permission(VIEW)
def type_detail(request: HttpRequest, key: str) -> HttpResponse:
    return _detail(request, get_object_or_404(queries.visible_types(), key=key))


@dictionaries_permission(CREATE)
def item_add(request: HttpRequest, key: str) -> HttpResponse:
    dtype = get_object_or_404(queries.visible_types(), key=key)
    if request.method != "POST":
        return _back(dtype)
    form = ItemForm(dtype, request.POST)
    if form.is_valid():
        try:
            item = services.add_item(dtype, **form.service_kwargs())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("“%(label)s” has been added to %(list)s.") % {"label": item.label, "list": dtype.name})
            return _back(dtype)
    return _detail(request, dtype, form, status=400)


@dictionaries_permission(EDIT)
def item_edit(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    item = _item(key, pk)
    form = ItemForm(item.type, request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.update_item(item, **form.service_kwargs())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("“%(label)s” has been saved.") % {"label": item.label})
            return _back(item)
    status = 400 if request.method == "POST" else 200
    return render(request, "dictionaries/item_form.html", {"form": form, "item": item, "dtype": item.type}, status=status)


@dictionaries_permission(EDIT)
@require_POST
def item_rename(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """The inline rename of the list page: both labels, nothing else."""
    item = _item(key, pk)
    form = RenameForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(item)
    try:
        item = services.rename_item(item, label_zh=form.cleaned_data["label_zh"], label_en=form.cleaned_data["label_en"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(label)s” has been renamed.") % {"label": item.label})
    return _back(item)


@dictionaries_permission(EDIT)
@require_POST
def item_move(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    item = _item(key, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.move_item(item, offset)
    return _back(item)


@dictionaries_permission(EDIT)
@require_POST
def reorder(request: HttpRequest, key: str) -> HttpResponse:
    """The drag-and-drop order of the list page (``ids`` in their new order); answers JSON."""
    dtype = get_object_or_404(queries.visible_types(), key=key)
    try:
        services.reorder_items(dtype, request.POST.getlist("ids"))
    except ValidationError as exc:
        return JsonResponse({"detail": " ".join(exc.messages), "errors": exc.message_dict}, status=400)
    return JsonResponse({"detail": _("The new order has been saved.")})


@dictionaries_permission(EDIT)
@require_POST
def item_toggle(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    item = _item(key, pk)
    item = services.set_active(item, not item.is_active)
    if item.is_active:
        messages.success(request, _("“%(label)s” has been enabled.") % {"label": item.label})
    else:
        messages.success(request, _(
            "“%(label)s” has been disabled: it is no longer offered, records that have it keep it."
        ) % {"label": item.label})
    return _back(item)


@dictionaries_permission(DELETE)
def item_delete(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    item = _item(key, pk)
    if request.method == "POST":
        try:
            services.delete_item(item)
        except services.ItemInUse as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("“%(label)s” has been deleted.") % {"label": item.label})
        return _back(item)
    usages = services.usage(item)
    return render(request, "dictionaries/item_confirm_delete.html", {
        "item": item, "dtype": item.type, "usages": usages,
        "in_use_message": services.in_use_message(item, usages) if usages else "",
    })
