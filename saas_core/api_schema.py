"""What the published OpenAPI schema (/api/v1/schema/) says beyond what drf-spectacular infers.

Generated clients decode answers by status code: every operation can answer with the one error
shape of ``saas_core.api.exception_handler``, so the schema says so, once, for all of them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi

ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of the API. `errors` maps each field (or `non_field_errors`) to its "
                   "messages; some errors add fields, e.g. `code` (`read_only`) or the duplicates of a 409.",
    "properties": {
        "detail": {"type": "string", "description": "The first problem, in words, with its field."},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["detail", "errors"],
}

# Lazy: the schema is generated in the reader's language (``?lang=``, saas_core.api_docs).
ERROR_RESPONSES = {
    "400": _("Bad input: `errors` names each field and what is wrong with it."),
    "401": _("No credentials, or they are not valid (any more)."),
    "403": _("The role may not do this, or the workspace is read-only (`code`: `read_only`)."),
    "404": _("No such object in this company (or not one the user may see)."),
    "409": _("The object changed meanwhile, or the change conflicts with other data; `detail` says how."),
    "429": _("Too many requests; wait as long as the Retry-After header says."),
}

_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def document_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: add the error responses every operation may give."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": str(description), "content": content})
    return result


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, except that a view whose GET without an id answers one object (``/me/``,
    ``/access/``: the router gives them the list route; ``/sms/usage/``) says so with
    ``list_is_one_object``."""

    def _is_list_view(self, serializer=None) -> bool:
        if getattr(self.view, "list_is_one_object", False) and getattr(self.view, "action", "list") in ("list", None):
            return False
        return super()._is_list_view(serializer)

