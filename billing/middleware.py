"""Read-only workspaces: reads and exports work, writes are refused with the reason and the fix."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from tenants import lifecycle

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What a read-only workspace still posts to: signing in and out, paying, exporting, language.
ALLOWED_PREFIXES = (
    "/accounts/login", "/accounts/logout", "/accounts/welcome", "/billing/", "/api/v1/billing/",
    "/api/v1/auth/token/", "/i18n/", "/company/export", "/api/v1/company/export",
)


class ReadOnlyWorkspaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if (
            tenant is not None
            and tenant.schema_name != settings.PUBLIC_SCHEMA_NAME
            and request.method not in SAFE_METHODS
            and not lifecycle.may_write(tenant)
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            message = lifecycle.refusal_message(tenant)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": {}, "code": "read_only"}, status=403)
            return render(request, "web/403.html", {"message": message, "read_only": True}, status=403)
        return self.get_response(request)
