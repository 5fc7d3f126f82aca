"""The API's rate limits (REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]).

Its own module, importing nothing of DRF but the throttle base: DRF reads the throttle setting
while ``rest_framework.views`` loads, so a module that imports the views could not be named
there (a process that loads this first would import it half-made).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from saas_core import ratelimit
from saas_core.net import client_ip


class RequestRateThrottle(BaseThrottle):
    """API_READ_RATE / API_WRITE_RATE per signed-in user, or per client address for anonymous
    calls, counted in Redis (``saas_core.ratelimit``) under the company's schema, so the limit
    holds across processes and one company's traffic never spends another's budget."""

    SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

    def allow_request(self, request, view) -> bool:
        write = request.method not in self.SAFE_METHODS
        rate = ratelimit.parse_rate(settings.API_WRITE_RATE if write else settings.API_READ_RATE)
        user = request.user
        who = f"u{user.pk}" if user and user.is_authenticated else f"a{client_ip(request._request) or '-'}"
        self._wait = ratelimit.hit("api-write" if write else "api-read", who, rate)
        return not self._wait

    def wait(self) -> float | None:
        return self._wait
