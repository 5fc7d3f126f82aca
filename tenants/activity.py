"""When each company was last used: ``Tenant.last_activity_at`` for the vendor console's list.

Written by a middleware after a signed-in request, at most once per ``ACTIVITY_RESOLUTION``
per company: the tenant row is read fresh on every request (host routing), so the check costs
nothing, and the conditional UPDATE lets only one of several racing requests write.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tenants.models import Tenant

ACTIVITY_RESOLUTION = timedelta(minutes=5)


def touch(tenant: Tenant, now=None) -> bool:
    """Record activity now unless it was recorded within the resolution; True if written."""
    now = now or timezone.now()
    stale = now - ACTIVITY_RESOLUTION
    if tenant.last_activity_at is not None and tenant.last_activity_at > stale:
        return False
    written = Tenant.objects.filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lte=stale),
                                    pk=tenant.pk).update(last_activity_at=now)
    tenant.last_activity_at = now
    return bool(written)


class TenantActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        tenant = getattr(request, "tenant", None)
        user = getattr(request, "user", None)
        if (tenant is not None and tenant.schema_name != settings.PUBLIC_SCHEMA_NAME
                and user is not None and user.is_authenticated and response.status_code < 400):
            touch(tenant)
        return response
