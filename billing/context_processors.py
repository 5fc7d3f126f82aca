from __future__ import annotations

from django.conf import settings

from tenants import lifecycle, upgrade
from tenants.models import Tenant

S = Tenant.Status


def billing_banner(request) -> dict:
    """The banner every workspace page shows while a payment is due or the workspace is read-only
    (unpaid, or held by a failed upgrade)."""
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME or not (user and user.is_authenticated):
        return {}
    if tenant.suspended_at is not None:
        kind = "suspended"
    elif upgrade.is_held(tenant):
        return {"billing_banner": {"kind": "upgrade", "deadline": None, "message": upgrade.held_message()}}
    elif tenant.status in (S.PAST_DUE, S.READ_ONLY, S.CANCELLED):
        kind = tenant.status
    elif tenant.status == S.TRIALING and user.is_boss:
        kind = "trialing"
    else:
        return {}
    return {"billing_banner": {"kind": kind, "deadline": lifecycle.deadline(tenant),
                               "message": "" if lifecycle.may_write(tenant) else lifecycle.refusal_message(tenant)}}
