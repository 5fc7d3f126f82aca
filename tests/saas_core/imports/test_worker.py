"""An import run by a real Celery worker (a subprocess on the test database and the real Redis).

The job is queued from a fresh workspace's schema exactly as the web page queues it (the task
carries the schema in its headers); the worker runs ``run_import``, which splits the file and
sends one ``run_import_batch`` per batch back to the same queue. The workspace is created for
this test (committed data) and dropped afterwards by ``live_db``.
"""

from __future__ import annotations

import time
import uuid

import pytest
from django_tenants.utils import schema_context

from saas_core.imports.tasks import read_import_file, run_import
from tests.conftest import PASSWORD
from tests.saas_core.imports.conftest import BAD, GOOD, xlsx_bytes
from tests.workers import forget_keys, routing, start_worker

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def import_worker(django_db_setup, tmp_path_factory):
    """``celery worker --pool solo`` on the test database, a private queue and a private media folder."""
    queue, keyprefix = routing("import")
    media = tmp_path_factory.mktemp("import-media")
    worker = start_worker(tmp_path_factory.mktemp("import-worker"), queue, keyprefix, MEDIA_ROOT=str(media))
    worker.media = media
    try:
        yield worker
    finally:
        worker.stop()
        forget_keys(keyprefix)


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
        assert job.status == ImportJob.Status.READING  # the worker reads the file, not the web request
        assert import_worker.result(import_worker.send(read_import_file, job.pk))["status"] == "pending"
        job.refresh_from_db()
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


def peak_rss_mb(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as status:
        lines = status.read().splitlines()
    for line in lines:
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no VmHWM")


def test_the_real_worker_refuses_a_bomb_in_bounded_memory(import_worker, live_db, settings):
    """A file that passes the upload checks (it packs like ordinary text) but holds a 6 MB string:
    the worker's read fails the job with the reason, and its memory hardly moves."""
    from saas_core.accounts.models import User
    from saas_core.imports import services
    from tenants import provisioning
    from tests.saas_core.imports.test_limits import incompressible_string_bomb, shared_strings_bomb

    settings.MEDIA_ROOT = str(import_worker.media)
    sub = "bomb" + uuid.uuid4().hex[:10]
    ws = provisioning.create_workspace(company_name="炸弹测试有限公司", subdomain=sub, admin_name="老板",
                                       email=f"boss@{sub}.example.com", password=PASSWORD, language="en")
    with schema_context(ws.tenant.schema_name):
        boss = User.objects.get(email=f"boss@{sub}.example.com")
        job = services.create_job(by=boss, kind="customers", upload=incompressible_string_bomb(), filename="b.xlsx")
        import_worker.result(import_worker.send(read_import_file, job.pk))  # warm: imports, connections
        before = peak_rss_mb(import_worker.proc.pid)
        for _ in range(3):
            job = services.create_job(by=boss, kind="customers", upload=incompressible_string_bomb(), filename="b.xlsx")
            assert import_worker.result(import_worker.send(read_import_file, job.pk))["status"] == "failed"
            job.refresh_from_db()
            assert "more than 4 MB" in job.error
        grown = peak_rss_mb(import_worker.proc.pid) - before
    assert grown < 64, f"the worker's peak memory grew by {grown} MB"
    # and the 150 KB bomb never gets that far: the upload refuses it
    with pytest.raises(Exception, match="times its packed size"), schema_context(ws.tenant.schema_name):
        services.create_job(by=boss, kind="customers", upload=shared_strings_bomb(), filename="s.xlsx")
