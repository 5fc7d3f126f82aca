"""Request parsers of the API (a module of their own: DRF reads DEFAULT_PARSER_CLASSES while
``rest_framework.views`` is imported, which ``saas_core.api`` itself imports)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONObjectParser(parsers.JSONParser):
    """JSON bodies are objects: every operation takes named fields, and views read them with
    ``request.data.get(...)``, which a top-level array or number would turn into a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("The request body must be a JSON object of named fields."))
        return data
