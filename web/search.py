"""The top bar's global search: a registry of sources (customers, contacts, later documents).

Apps register a ``SearchSource`` on start-up (like menu entries); each finds what the user may
see (its own data-scope rules) and names its full list page for "more". The shell only groups
and renders the hits, so it does not import the apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    detail: str = ""  # e.g. the number and owner, or the contact's company
    phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchSource:
    key: str
    label: str | Promise
    # find(request, query, limit) -> the first ``limit`` hits the user may see, best first
    find: Callable[..., list[SearchHit]]
    # more_url(query) -> the source's own list filtered by the query
    more_url: Callable[[str], str]
    order: int = 100
    visible: Callable | None = None  # visible(request) -> bool


@dataclass(frozen=True)
class SearchGroup:
    source: SearchSource
    hits: list[SearchHit]
    more: bool  # more hits than shown
    more_url: str


MAX_QUERY = 100
_sources: dict[str, SearchSource] = {}


def register(source: SearchSource) -> None:
    _sources[source.key] = source


def search(request, query: str, limit: int) -> list[SearchGroup]:
    """Up to ``limit`` hits per source the user may use; sources without hits are left out."""
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        return []
    groups = []
    for source in sorted(_sources.values(), key=lambda s: s.order):
        if source.visible and not source.visible(request):
            continue
        hits = source.find(request, query, limit + 1)
        if hits:
            groups.append(SearchGroup(source, hits[:limit], len(hits) > limit, source.more_url(query)))
    return groups
