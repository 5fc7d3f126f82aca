"""The vendor's service settings (trial length, grace, read-only and retention periods).

They live in one public-schema row (``VendorSettings``, pk 1) that the vendor edits in the
console; until it is first saved, the environment's ``TRIAL_DAYS`` / ``BILLING_*_DAYS`` are the
values. The lifecycle (tenants.lifecycle) and signup (tenants.provisioning) read them through
``current()``: one primary-key read, not cached, so every web and worker process sees a change at
once (the shared cache's keys are per schema, and the readers run in every schema).
"""

from __future__ import annotations

from django.conf import settings

from tenants.models import VendorSettings

FIELDS = ("trial_days", "grace_days", "read_only_days", "retention_days")


def defaults() -> dict[str, int]:
    """The environment's values: what the row starts with."""
    return {"trial_days": settings.TRIAL_DAYS, "grace_days": settings.BILLING_GRACE_DAYS,
            "read_only_days": settings.BILLING_READ_ONLY_DAYS, "retention_days": settings.BILLING_RETENTION_DAYS}


def current() -> VendorSettings:
    """The settings in force (an unsaved row with the environment's values if none is stored)."""
    return VendorSettings(pk=1, **{**defaults(), **_stored()})


def update(*, by: str = "", **values: int) -> VendorSettings:
    """Save the settings (validated: each period is a whole number of days within its bounds)."""
    row = VendorSettings(pk=1, **{**defaults(), **_stored(), **{k: values[k] for k in FIELDS if k in values}},
                         updated_by=by[:254])
    row.full_clean()
    row.save()
    return row


def _stored() -> dict[str, int]:
    return VendorSettings.objects.filter(pk=1).values(*FIELDS).first() or {}
