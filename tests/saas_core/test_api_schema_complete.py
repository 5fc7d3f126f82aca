"""Every API URL is in the published OpenAPI schema, and generating it raises no warning or error.

drf-spectacular drops a view it cannot describe with only a log line ("unable to guess
serializer … ignoring view"): the billing API was missing from the schema that way, so
generated clients lacked it and the schema fuzz (test_api_schema.py) never called it. The
URL resolver is walked on its own here, so a view missing for any reason is caught.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

# Not operations: the schema itself, its Swagger UI, DRF's router root.
NOT_OPERATIONS = {"/api/v1/", "/api/v1/schema/", "/api/v1/docs/", "/api/v1/console/schema/"}


def _route(pattern) -> str:
    """A URL pattern as an OpenAPI path template: <int:pk> and (?P<pk>…) become {pk}."""
    text = str(pattern)
    text = re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", text) if not text.startswith("^") else text
    text = re.sub(r"\(\?P<([^>]+)>[^)]*\)", r"{\1}", text)
    return text.lstrip("^").rstrip("$").replace("\\", "")


def _urls(patterns, prefix: str = "") -> set[str]:
    found = set()
    for entry in patterns:
        route = prefix + _route(entry.pattern)
        if isinstance(entry, URLResolver):
            found |= _urls(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.add("/" + route)
    return found


def _api_urls(urlconf: str, under: str) -> set[str]:
    urls = {u for u in _urls(get_resolver(urlconf).url_patterns) if u.startswith(under)}
    # DRF's format-suffix twins (users.{format}) are the same operations.
    return {u for u in urls if "{format}" not in u} - NOT_OPERATIONS


def _shape(path: str) -> str:
    """Parameter names aside: the schema calls a primary key {id} where the URL says <pk>."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def _schema_paths(urlconf: str) -> set[str]:
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert not problems, f"generating the schema of {urlconf} warned or failed: {problems}"
    return {_shape(path) for path in schema["paths"]}


@pytest.mark.parametrize(("urlconf", "under"), [
    ("saas_core.urls", "/api/v1/"),  # a workspace's API
    ("saas_core.urls_public", "/api/v1/"),  # the vendor console's API on the public host
])
def test_every_api_url_is_in_the_schema_generated_without_warnings(urlconf, under):
    urls = _api_urls(urlconf, under)
    assert urls, "the walk found no API URL"
    published = _schema_paths(urlconf)
    missing = sorted(url for url in urls if _shape(url) not in published)
    assert not missing, f"API URLs absent from the schema of {urlconf}: {missing}"
