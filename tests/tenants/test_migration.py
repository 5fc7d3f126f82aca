"""Upgrades: ``crm migrate`` (the Helm pre-upgrade hook) walks only complete workspaces."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants import lifecycle, provisioning
from tenants.models import Tenant
from tests.conftest import PASSWORD, child_env

S = Tenant.Status


@pytest.mark.live
def test_crm_migrate_skips_deleted_and_half_made_companies(live_db, tenant_a, settings):
    ws = provisioning.create_workspace(company_name="Gone Ltd", subdomain="gone-upgrade", admin_name="G",
                                       email="g@gone.example.com", password=PASSWORD)
    gone = ws.tenant
    for step in (S.ACTIVE, S.CANCELLED):
        lifecycle.transition(gone, step)
    assert lifecycle.advance(gone, timezone.now() + timedelta(days=settings.BILLING_RETENTION_DAYS, minutes=1)) \
        == S.DELETED
    # A signup whose process died while cloning: its row says so, its schema is half there.
    half = Tenant.objects.create(schema_name="t_half_made", name="Half", status=S.PROVISIONING)
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "t_half_made"')
        cursor.execute('CREATE TABLE "t_half_made"."accounts_user" (id bigint)')
    connection.set_schema_to_public()
    result = subprocess.run([sys.executable, "-m", "saas_core.cli", "migrate"], capture_output=True, text=True,
                            env=child_env(DJANGO_SETTINGS_MODULE="tests.settings"), timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"[standard:{gone.schema_name}] skipped: the company is deleted" in result.stdout
    assert "[standard:t_half_made] skipped: the company is provisioning" in result.stdout
    assert f"standard:{tenant_a.schema}] Operations to perform" in result.stdout  # live ones are migrated
    assert not schema_exists(gone.schema_name)  # nothing was re-created for the deleted company
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 't_half_made'")
        assert cursor.fetchone()[0] == 1  # left for the sweeper (tenants.provisioning), not touched
    half.delete(force_drop=True)
