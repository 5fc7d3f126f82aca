"""Operations on a company's own settings, called from its workspace."""

from __future__ import annotations

from tenants.models import Tenant

COMPANY_FIELDS = ("name", "time_zone", "currency", "recycle_bin_days")


def update_company(tenant: Tenant, **fields) -> Tenant:
    for key in COMPANY_FIELDS:
        if key in fields:
            setattr(tenant, key, fields[key])
    tenant.full_clean(exclude=["schema_name"], validate_unique=False)
    tenant.save(update_fields=[k for k in COMPANY_FIELDS if k in fields])
    return tenant
