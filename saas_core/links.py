"""The one place e-mails (and anything else sent outside a request) get a workspace's address.

Inside a request the host the person used is known; a Celery task has none, so links are built
from the company's primary domain, the scheme (USE_HTTPS) and the port people reach the site on
(PUBLIC_PORT: ``crm run --port 8000`` sets it for its web server, worker and beat; behind a
proxy on 80/443 it stays empty).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection

SITE_TTL = 300.0  # a changed primary domain shows in links within five minutes
_sites: dict[str, tuple[float, str]] = {}


def base_url(host: str) -> str:
    """``scheme://host[:port]`` for ``host``; the port only when it is not the scheme's default."""
    scheme = "https" if settings.USE_HTTPS else "http"
    port = str(settings.PUBLIC_PORT or "")
    if port and port != {"http": "80", "https": "443"}[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def workspace_base_url(schema: str | None = None) -> str:
    """The base URL of the company ``schema`` (default: the current one), without a trailing
    slash; remembered per process for a few minutes."""
    from tenants.models import Domain

    schema = schema or connection.schema_name
    cached = _sites.get(schema)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    host = Domain.objects.filter(tenant__schema_name=schema, is_primary=True).values_list(
        "domain", flat=True).first() or settings.BASE_DOMAIN
    _sites[schema] = (time.monotonic() + SITE_TTL, base_url(host))
    return _sites[schema][1]
