"""Company settings (PLT-08): the Boss sets the company's time zone and currency."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from saas_core.accounts.models import LoginAttempt
from tenants.models import Tenant
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def test_company_time_zone_applies_to_users_without_their_own(client_for, tenant_a, boss_a, make_user):
    boss = client_for(tenant_a, boss_a)
    response = boss.post("/company/settings/", {"name": "Alpha Trading Ltd", "time_zone": "Europe/Berlin", "currency": "EUR", "recycle_bin_days": "60"})
    assert response.status_code == 302
    tenant = Tenant.objects.get(schema_name=tenant_a.schema)
    assert (tenant.time_zone, tenant.currency, tenant.recycle_bin_days) == ("Europe/Berlin", "EUR", 60)

    with in_tenant(tenant_a):
        LoginAttempt.objects.create(username="probe", success=False, reason="unknown_user",
                                    at=datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("UTC")))
        boss_a.time_zone = ""
        boss_a.save()
    page = boss.get("/accounts/login-log/", {"q": "probe"}).content.decode()
    assert "2026-07-01 14:00:00" in page  # Berlin summer time
    with in_tenant(tenant_a):
        boss_a.time_zone = "Asia/Shanghai"
        boss_a.save()
    assert "2026-07-01 20:00:00" in boss.get("/accounts/login-log/", {"q": "probe"}).content.decode()


def test_bad_values_are_refused_and_only_the_boss_may_change(client_for, tenant_a, boss_a, make_user):
    response = client_for(tenant_a, boss_a).post("/company/settings/", {"name": "", "time_zone": "Mars/Base", "currency": "XXX", "recycle_bin_days": "0"})
    errors = response.context["form"].errors
    assert {"name", "time_zone", "currency", "recycle_bin_days"} <= set(errors)
    sales = client_for(tenant_a, make_user(tenant_a, role="sales"))
    assert sales.post("/company/settings/", {"name": "Hacked", "time_zone": "UTC", "currency": "USD"}).status_code == 403
    assert Tenant.objects.get(schema_name=tenant_a.schema).name == "Alpha Trading Ltd"
