"""The list page of an owned business record's documents (quotes, contracts, orders): the filter
form and sorts of the app's ``queries`` module, the user's records a page at a time, and the batch
and export controls their role may use. The filters are ``web.forms.RecordFilterForm``s, the batch
actions ``saas_core.records.batch``; the templates include web/_filters.html and web/_batch_form.html.

    return record_list(request, module="quotes", queries=queries, listing=queries.quote_list,
                       template="quotes/list.html")

``queries`` gives ``read_filters(data, user)``, ``SORTS`` and ``DEFAULT_SORT``; ``listing(user,
filters, sort)`` the user's records (their data scope), filtered and sorted.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saas_core.org.access import can
from web.forms import filter_controls, select_options
from web.navigation import export_url
from web.pagination import PAGE_SIZES, paginate


def people() -> list[tuple[int, str]]:
    """The enabled users as (pk, name): who a batch transfers to, whom the owner filter offers."""
    from saas_core.accounts.models import User

    return [(pk, name or username) for pk, name, username in User.objects.filter(is_active=True)
            .order_by("name", "username").values_list("pk", "name", "username")]


def list_controls(form, *, can_edit: bool, choices: dict | None = None) -> dict:
    """The filter controls and the batch form's people of a list page, from one read of the users."""
    everyone = people()
    owner = [("", form.fields["owner"].empty_label), *everyone]
    return {"controls": filter_controls(form, {"owner": owner, **(choices or {})}),
            "batch_people": select_options(everyone) if can_edit else ""}


def record_list(request: HttpRequest, *, module: str, queries, listing: Callable, template: str,
                export_key: str | None = None, related: tuple[str, ...] = ("customer", "owner"),
                extra: dict | None = None) -> HttpResponse:
    """A page of ``listing``'s records with the list's filters, sorting, batch and export controls."""
    form, filters = queries.read_filters(request.GET, request.user)
    sort = request.GET.get("sort") if request.GET.get("sort") in queries.SORTS else queries.DEFAULT_SORT
    page, size = paginate(request, listing(request.user, filters, sort).select_related(*related))
    user = request.user
    can_edit, can_delete = can(user, module, "edit"), can(user, module, "delete")
    return render(request, template, {
        "form": form, "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "sort": sort,
        "can_create": can(user, module, "create"), "can_edit": can_edit, "can_delete": can_delete,
        "export_url": export_url(request, module, export_key), "current_url": request.get_full_path(),
        **list_controls(form, can_edit=can_edit), **(extra or {}),
    })
