"""A whole-company export built by a real Celery worker (a subprocess on the test database and the
real Redis), in the schema of the company that queued it; the archive lands in its folder."""

from __future__ import annotations

import json
import uuid
import zipfile

import pytest
from django_tenants.utils import schema_context

from saas_core.exports.tasks import build_export
from tests.conftest import PASSWORD
from tests.saas_core.imports.test_worker import import_worker  # noqa: F401 - the worker fixture

pytestmark = pytest.mark.live


def test_a_real_worker_builds_the_archive_of_the_company_that_asked(import_worker, live_db, settings):  # noqa: F811
    from saas_core.accounts.models import User
    from saas_core.customers import services as customers
    from saas_core.exports.models import CompanyExport
    from tenants import provisioning

    settings.MEDIA_ROOT = str(import_worker.media)
    made = []
    for label in ("one", "two"):
        sub = f"exp{label}" + uuid.uuid4().hex[:8]
        ws = provisioning.create_workspace(company_name=f"导出{label}有限公司", subdomain=sub, admin_name="老板",
                                           email=f"boss@{sub}.example.com", password=PASSWORD, language="en")
        with schema_context(ws.tenant.schema_name):
            boss = User.objects.get(email=f"boss@{sub}.example.com")
            customers.create_customer(by=boss, name=f"{label} 客户有限公司", confirm_duplicates=True,
                                      check_permission=False)
        made.append((ws.tenant.schema_name, boss))
    schema, boss = made[0]
    with schema_context(schema):
        export = CompanyExport.objects.create(created_by=boss, language="en")
        result = import_worker.send(build_export, export.pk)
    assert import_worker.result(result) == "done"
    with schema_context(schema):
        export.refresh_from_db()
    assert export.status == "done" and export.file.startswith(f"exports/{schema}/")
    with zipfile.ZipFile(import_worker.media / export.file) as zf:
        data = json.loads(zf.read("data.json"))
    assert [c["name"] for c in data["entities"]["customers.customer"]] == ["one 客户有限公司"]
    assert data["company"]["workspace"] == schema
    with schema_context(made[1][0]):
        assert not CompanyExport.objects.exists()
    # delivered again (a worker that died after finishing): nothing is rebuilt
    with schema_context(schema):
        assert import_worker.result(import_worker.send(build_export, export.pk)) == "done"
        again = CompanyExport.objects.get(pk=export.pk)
    assert again.file == export.file and again.finished_at == export.finished_at
