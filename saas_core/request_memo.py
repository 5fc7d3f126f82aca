"""Values read once per request and no longer: the shared cache's version stamps, for example.

A list page that shows three pick-lists would otherwise ask Redis for the same version three
times. ``RequestMemoMiddleware`` gives every request an empty dict; outside a request (tasks,
the shell) ``current()`` is None and callers simply read again.
"""

from __future__ import annotations

from contextvars import ContextVar

_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)


def current() -> dict | None:
    """This request's memo, or None outside a request."""
    return _memo.get()


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
