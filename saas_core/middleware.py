from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone, translation
from django_tenants.middleware.main import TenantMainMiddleware

from saas_core.sentry import tag_tenant


class TenantByHostMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, with a readable page for an unknown workspace."""

    def no_tenant_found(self, request, hostname):
        response = render(
            request, "web/no_workspace.html",
            {"hostname": hostname, "base_domain": settings.BASE_DOMAIN}, status=404,
        )
        return response

    def process_request(self, request):
        response = super().process_request(request)
        if response is None:
            tag_tenant(request.tenant.schema_name)
            if request.tenant.status == request.tenant.Status.PROVISIONING:
                return self.being_prepared(request)
        return response

    def being_prepared(self, request):
        """Signup is still cloning this company's schema (or died doing so): nothing of the
        half-made schema is read and nobody signs in until it is ready."""
        from django.db import connection

        connection.set_schema_to_public()
        response = render(request, "web/workspace_preparing.html", {"hostname": request.get_host()}, status=503)
        response["Retry-After"] = "5"
        return response


class SecureCookiesMiddleware:
    """Mark every cookie Secure when the request itself came over HTTPS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response


class UserPreferencesMiddleware:
    """Activate the signed-in user's language and time zone (else the tenant's time zone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tz_name = None
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            tz_name = user.time_zone
        tenant = getattr(request, "tenant", None)
        tz_name = tz_name or getattr(tenant, "time_zone", None) or settings.TIME_ZONE
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        response = self.get_response(request)
        if user is not None and user.is_authenticated and user.language:
            response.headers.setdefault("Content-Language", user.language)
        return response
