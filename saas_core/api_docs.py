"""Swagger UI at /api/v1/docs/ (apart from saas_core.api_schema, which drf-spectacular's views
import as the schema class: this view imports them)."""

from __future__ import annotations

from django.utils.translation import get_language
from drf_spectacular.plumbing import set_query_parameters
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI (/api/v1/docs/) in the reader's language as far as it goes: the page's title
    and header, and the schema's title, description and field labels, which it loads with the
    reader's ``lang`` (drf-spectacular then generates it under that language). Swagger UI's own
    buttons come in its bundle, in English."""

    def _get_schema_url(self, request) -> str:
        url = super()._get_schema_url(request)
        if request.GET.get("lang"):
            return url
        return set_query_parameters(url=url, lang=get_language())
