"""A database too busy to serve now is told to the person as such (503), never as a bare 500.

"Busy" is the pool having no free connection within DATABASE_POOL_TIMEOUT, or PostgreSQL
refusing for lack of room: out of (lock) shared memory, too many connections, a deadlock, a
lock wait that timed out. A retry a little later can succeed, so the answer says so.
"""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

BUSY_SQLSTATES = frozenset({"53200", "53300", "40P01", "55P03"})
RETRY_AFTER_SECONDS = 30


def is_busy_error(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is the database refusing for lack of room or time."""
    from psycopg_pool import PoolTimeout

    while exc is not None:
        if isinstance(exc, PoolTimeout) or getattr(exc, "sqlstate", None) in BUSY_SQLSTATES:
            return True
        exc = exc.__cause__
    return False


def busy_message() -> str:
    return _("The service is very busy right now and could not answer. Nothing was changed; "
             "please try again in a minute.")


def error_language(request: HttpRequest) -> str:
    """The language an error page speaks: the one LocaleMiddleware (or the user's preference)
    chose, else, when the request failed before that (host routing, the database), the one its
    cookie or Accept-Language asks for."""
    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a busy database answers 503 with Retry-After; anything else our branded 500.

    Rendered without the request's context: its processors would ask the database again."""
    with translation.override(error_language(request)):
        if not is_busy_error(sys.exc_info()[1]):
            return _internal_error(request)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": busy_message(), "code": "busy"}, status=503)
        else:
            response = HttpResponse(loader.render_to_string("web/busy.html", {"message": busy_message()}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _internal_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        detail = _("An error on our side stopped this request. It has been recorded; please try again in a moment.")
        return JsonResponse({"detail": detail, "code": "server_error"}, status=500)
    try:
        return HttpResponseServerError(loader.render_to_string("web/500.html"))
    except Exception:  # noqa: BLE001 - the error page must not fail in turn (templates, static storage)
        return defaults.server_error(request)
