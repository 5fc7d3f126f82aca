"""Start-up checks of the database settings (tenants.dbcheck) and the operator's commands' output."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from tenants import dbcheck
from tests.conftest import PASSWORD, child_env


def test_transaction_pooling_without_a_direct_url_is_refused_naming_the_fix(settings):
    settings.DATABASE_TRANSACTION_POOLING, settings.DATABASE_DIRECT_URL = True, ""
    with pytest.raises(ImproperlyConfigured, match="DATABASE_DIRECT_URL is not set") as refused:
        dbcheck.require_configuration("web")
    assert "Set DATABASE_DIRECT_URL to the PostgreSQL server's own URL" in str(refused.value)
    assert "secrets.databaseDirectUrl" in str(refused.value)


@pytest.mark.parametrize(("pooling", "direct"), [(True, "postgres://crm@db:5432/crm"), (False, "")])
def test_a_direct_url_or_no_pooling_passes(settings, pooling, direct):
    settings.DATABASE_TRANSACTION_POOLING, settings.DATABASE_DIRECT_URL = pooling, direct
    assert dbcheck.configuration_problems() == []
    dbcheck.require_configuration("web")


@pytest.mark.parametrize("command", [
    ["-m", "uvicorn", "saas_core.asgi:application", "--host", "127.0.0.1", "--port", "0"],
    ["-m", "celery", "-A", "saas_core", "worker", "--pool", "solo", "-l", "warning"],
    ["-m", "saas_core.cli", "migrate"],
], ids=["web", "worker", "crm-migrate"])
def test_web_worker_and_migrate_refuse_pooling_without_a_direct_url(db, command):
    result = subprocess.run([sys.executable, *command], capture_output=True, text=True, timeout=180,
                            env=child_env(DATABASE_TRANSACTION_POOLING="true", DATABASE_DIRECT_URL="",
                                          LANGUAGE_CODE="en"))
    assert result.returncode != 0
    assert "DATABASE_TRANSACTION_POOLING is on but DATABASE_DIRECT_URL is not set" in result.stderr, \
        result.stderr[-3000:]


@pytest.mark.live
@pytest.mark.parametrize(("env", "expected"), [
    ({"PUBLIC_PORT": "8123"}, "http://{host}:8123/"),
    ({"PUBLIC_PORT": "", "USE_HTTPS": "true"}, "https://{host}/"),
])
def test_create_tenant_prints_the_address_people_reach_it_on(live_db, env, expected):
    from django.conf import settings

    subdomain = f"ct{uuid.uuid4().hex[:6]}"
    result = subprocess.run(
        [sys.executable, "-m", "saas_core.cli", "create-tenant", "--name", "新公司", "--subdomain", subdomain,
         "--admin-name", "Boss", "--email", f"boss@{subdomain}.example.com", "--password", PASSWORD],
        capture_output=True, text=True, timeout=300, env=child_env(**env))
    assert result.returncode == 0, result.stderr[-3000:]
    url = expected.format(host=f"{subdomain}.{settings.BASE_DOMAIN}")
    assert f"created 新公司 at {url} " in result.stdout, result.stdout
