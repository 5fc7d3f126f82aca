"""The Content-Security-Policy every response carries (django-csp's ``CONTENT_SECURITY_POLICY``).

Only the product's own files may run or style a page, so markup that reaches a page (a
customer's name, an imported cell) cannot run script, load from elsewhere, or be framed.
Templates therefore hold no inline scripts, handlers or style attributes
(tests/web/test_inline_code.py keeps it so); behaviour is wired from data-* attributes by the
static files (web/static/web/app.js). A response that sets its own policy (attachments'
sandbox) keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.decorators import csp_update
from django.conf import settings

SELF, NONE = "'self'", "'none'"


def policy(report_uri: str = "") -> dict[str, Any]:
    """The settings value; ``report_uri`` (CSP_REPORT_URI, e.g. Sentry's security endpoint)
    receives the browsers' violation reports."""
    directives = {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for Bootstrap's inline SVG icons (form controls)
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
    if report_uri:
        directives["report-uri"] = [report_uri]
    return {"DIRECTIVES": directives}


def forms_may_go_to_workspaces(view: Callable) -> Callable:
    """For a public-site form whose answer redirects to a workspace's host (signup).

    Chromium applies form-action to the redirect that answers a form too, so ``'self'`` alone
    would stop a new Boss at their workspace's door; any port, for development servers.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        allow = csp_update({"form-action": [f"*.{settings.BASE_DOMAIN}:*"]})
        return allow(view)(request, *args, **kwargs)

    return wrapped
