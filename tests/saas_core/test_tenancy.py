"""Helpers for work outside a request: the company's own time zone and date."""

from __future__ import annotations

import pytest
from django.utils import timezone

from saas_core import tenancy
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def test_the_company_date_is_in_its_time_zone(tenant_a):
    from zoneinfo import ZoneInfo

    from tenants.models import Tenant

    with in_tenant(tenant_a):
        Tenant.objects.filter(schema_name=tenant_a.schema).update(time_zone="America/Los_Angeles")
        assert tenancy.company_today() == timezone.localdate(timezone=ZoneInfo("America/Los_Angeles"))
        Tenant.objects.filter(schema_name=tenant_a.schema).update(time_zone="Asia/Shanghai")
        assert tenancy.company_today() == timezone.localdate(timezone=ZoneInfo("Asia/Shanghai"))
