"""API conventions shared by every endpoint: one error format, page-number pagination."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from rest_framework import pagination
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Errors are ``{"detail": str, "errors": {field: [messages]}}``.

    Model/service ValidationErrors become 400 with the same field map as serializer errors,
    so bad input never surfaces as a 500.
    """
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"detail": _first_message(errors), "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"detail": str(data["detail"]), "errors": {}}
    return response


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for field, messages in errors.items():
            return f"{field}: {_first_message(messages)}"
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200



API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, exception=None) -> JsonResponse:
    """A 403/404 raised outside DRF for an /api/ URL (no route matched, e.g. ``/pools/0.5/``, or
    a middleware refused), in the API's error shape rather than the web app's HTML page."""
    default = PermissionDenied.default_detail if status == 403 else NotFound.default_detail
    detail = str(exception) if status == 403 and exception and str(exception) else str(default)
    return JsonResponse({"detail": detail, "errors": {}}, status=status)
