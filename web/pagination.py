"""Page sizes, pagination and sorting shared by every list page (the _pagination.html partial)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZES = (20, 50, 100)


def page_size(request: HttpRequest) -> int:
    """The requested page size if it is one we offer, else the first."""
    try:
        size = int(request.GET.get("page_size", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def paginate(request: HttpRequest, queryset) -> tuple[Page, int]:
    size = page_size(request)
    return Paginator(queryset, size).get_page(request.GET.get("page")), size


def ordered(queryset, sorts: dict, sort: str | None, default: str):
    """``queryset`` in the order of ``sorts[sort]`` (a list's sort keys → order_by fields), else the default's."""
    return queryset.order_by(*sorts.get(sort or "", sorts[default]))
