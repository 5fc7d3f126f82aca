"""Health endpoints for container orchestrators: ``/healthz`` (the process is up) and
``/readyz`` (PostgreSQL and Redis answer).

Answered by the first middleware, before host routing: a kubelet or load balancer probes the
pod by its IP address, which is neither an allowed host nor a company's subdomain, and a probe
must not depend on the public tenant row either. The answers carry no data, so they need no
authentication.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

LIVE_PATH = "/healthz"
READY_PATH = "/readyz"
# A probe waits at most this long for each service, well inside a probe's own timeout.
CHECK_TIMEOUT_SECONDS = 2.0


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis() -> None:
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=CHECK_TIMEOUT_SECONDS, socket_timeout=CHECK_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "redis": _redis}


def readiness() -> dict[str, str]:
    """Each service's state, "ok" or the error that reaching it raised."""
    states: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready", named in the answer
            log.warning("readiness check %s failed: %s", name, exc)
            states[name] = f"{type(exc).__name__}: {exc}".strip()[:300]
        else:
            states[name] = "ok"
    return states


def _json(body: dict, status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers the two probe paths itself; every other request goes on down the chain."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == LIVE_PATH:
            return _json({"status": "ok"}, 200)
        if request.path == READY_PATH:
            states = readiness()
            ready = all(state == "ok" for state in states.values())
            return _json({"status": "ok" if ready else "unavailable", "checks": states}, 200 if ready else 503)
        return self.get_response(request)
