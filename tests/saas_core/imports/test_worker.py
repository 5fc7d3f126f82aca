"""An import run by a real Celery worker (a subprocess on the test database and the real Redis).

The job is queued from a fresh workspace's schema exactly as the web page queues it (the task
carries the schema in its headers); the worker runs ``run_import``, which splits the file and
sends one ``run_import_batch`` per batch back to the same queue. The workspace is created for
this test (committed data) and dropped afterwards by ``live_db``.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.conf import settings
from django_tenants.utils import schema_context

from saas_core.imports.tasks import run_import
from tests.conftest import PASSWORD, child_env
from tests.saas_core.imports.conftest import BAD, GOOD, xlsx_bytes
from tests.saas_core.test_celery_worker import REPO_ROOT, STARTUP_TIMEOUT, Worker

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def import_worker(django_db_setup, tmp_path_factory):
    """``celery worker --pool solo`` on the test database, a private queue and a private media folder."""
    test_db = settings.DATABASES["default"]["NAME"]
    assert test_db.startswith("test_"), test_db
    run_id = uuid.uuid4().hex[:12]
    queue, keyprefix = f"crm-test-import-{run_id}", f"crm-test-import-{run_id}:"
    media = tmp_path_factory.mktemp("import-media")
    log_path = tmp_path_factory.mktemp("import-worker") / "worker.log"
    env = child_env(
        DJANGO_SETTINGS_MODULE="tests.saas_core.worker_settings", CRM_TEST_CELERY_QUEUE=queue,
        CRM_TEST_CELERY_KEYPREFIX=keyprefix, MEDIA_ROOT=str(media), SENTRY_DSN="", PYTHONUNBUFFERED="1",
    )
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "saas_core", "worker", "--pool", "solo", "-Q", queue,
             "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"],
            env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
    worker = Worker(proc, log_path, queue, keyprefix)
    worker.media = media
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while " ready." not in worker.log():
            worker.assert_alive()
            if time.monotonic() > deadline:
                pytest.fail(f"the Celery worker was not ready; its output:\n{worker.log()}")
            time.sleep(0.1)
        yield worker
    finally:
        worker.forget_results()
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        client = redis.Redis.from_url(settings.REDIS_URL)
        stale = list(client.scan_iter(match=f"{keyprefix}*"))
        if stale:
            client.delete(*stale)


def test_a_real_worker_imports_in_batches_in_the_tenants_schema(import_worker, live_db, settings):
    from saas_core.accounts.models import User
    from saas_core.customers.importers import CustomerImporter
    from saas_core.customers.models import Contact, Customer
    from saas_core.imports import services
    from saas_core.imports.models import ImportBatch, ImportJob
    from tenants import provisioning

    settings.MEDIA_ROOT = str(import_worker.media)
    sub = "imp" + uuid.uuid4().hex[:10]
    ws = provisioning.create_workspace(company_name="导入测试有限公司", subdomain=sub, admin_name="老板",
                                       email=f"boss@{sub}.example.com", password=PASSWORD, language="en")
    schema = ws.tenant.schema_name
    # more rows than one batch: the worker sends itself the batch tasks
    many = CustomerImporter.batch_size + 200
    rows = GOOD + BAD + [[f"批量{i:05d}有限公司", "企业", "", "", "", f"联系人{i}", f"137{i:08d}", ""] for i in range(many)]
    with schema_context(schema):
        boss = User.objects.get(email=f"boss@{sub}.example.com")
        job = services.create_job(by=boss, kind="customers", upload=xlsx_bytes(rows), filename="big.xlsx")
        job = services.start(job, by=boss, enqueue=False)
        result = import_worker.send(run_import, job.pk)
    assert import_worker.result(result)["id"] == job.pk
    deadline = time.monotonic() + 120
    with schema_context(schema):
        while True:
            job.refresh_from_db()
            if job.is_finished:
                break
            import_worker.assert_alive()
            assert time.monotonic() < deadline, import_worker.log()
            time.sleep(0.2)
        assert job.status == ImportJob.Status.DONE, job.error
        assert (job.imported, job.rejected, job.skipped) == (3 + many, 5, 0)
        assert ImportBatch.objects.filter(job=job).count() == -(-len(rows) // CustomerImporter.batch_size)
        assert Customer.objects.count() == 3 + many and Contact.objects.count() == 3 + many
        assert job.report.startswith(f"imports/{schema}/")
        assert (import_worker.media / job.report).exists()
    assert "run_import_batch" in import_worker.log()
