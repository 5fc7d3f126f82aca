"""The enterprise account page's figures (PLT-03) and the company logo."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from billing import entitlements, services
from billing.models import Module, Subscription
from tenants.models import Tenant

LOGO_MAX_BYTES = 1024 * 1024
# The first bytes of each image type we accept; the extension is never trusted.
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg", b"GIF87a": "gif", b"GIF89a": "gif"}
LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def summary(tenant: Tenant) -> dict:
    from saas_core.attachments.services import storage_used

    subscription = Subscription.objects.select_related("plan").filter(tenant=tenant).first()
    expiry = None
    if subscription is not None and subscription.current_period_end and tenant.status != Tenant.Status.TRIALING:
        expiry = subscription.current_period_end
    elif tenant.status == Tenant.Status.TRIALING:
        expiry = tenant.trial_ends_at
    keys = entitlements.enabled_module_keys(tenant.pk)
    quota_mb = subscription.plan.storage_quota_mb if subscription else None
    used = storage_used()
    return {
        "name": tenant.name,
        "status": tenant.get_status_display(),
        "status_code": tenant.status,
        "seats_used": services.seats_used(),
        "seats_limit": subscription.seats if subscription else None,
        "plan": subscription.plan if subscription else None,
        "modules": list(Module.objects.filter(key__in=keys)),
        "start_date": tenant.created_at,
        "paid_since": subscription.paid_since if subscription else None,
        "expiry": expiry,
        "days_left": services.days_left(expiry),
        "storage_used": used,
        "storage_quota": quota_mb * 1024 * 1024 if quota_mb is not None else None,
        "storage_percent": min(round(used * 100 / (quota_mb * 1024 * 1024)), 100) if quota_mb else None,
        "has_logo": bool(tenant.logo),
    }


def _image_kind(head: bytes) -> str | None:
    for signature, kind in LOGO_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def set_logo(tenant: Tenant, upload: UploadedFile) -> Tenant:
    """Store an uploaded logo under the company's own folder with a random name."""
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError({"logo": [_("The logo is larger than 1 MB.")]})
    head = upload.read(16)
    upload.seek(0)
    kind = _image_kind(head)
    if kind is None:
        raise ValidationError({"logo": [_("The file is not a PNG, JPEG, GIF or WebP image.")]})
    old = tenant.logo.name if tenant.logo else ""
    tenant.logo.save(f"{tenant.schema_name}/{secrets.token_hex(8)}.{kind}", upload, save=False)
    Tenant.objects.filter(pk=tenant.pk).update(logo=tenant.logo.name)
    if old:
        tenant.logo.storage.delete(old)
    return tenant


def logo_type(name: str) -> str:
    return LOGO_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
