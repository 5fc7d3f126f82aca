"""Batches of one import run side by side: a batch being saved does not hold the job row."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD
from tests.saas_core.imports.conftest import uploaded, xlsx_bytes

pytestmark = pytest.mark.live


def test_the_split_and_other_batches_do_not_wait_for_a_batch_being_saved(live_db, settings, tmp_path):
    from saas_core.accounts.models import User
    from saas_core.customers.importers import CustomerImporter
    from saas_core.imports import services
    from saas_core.imports.models import ImportBatch, ImportJob
    from tenants import provisioning

    settings.MEDIA_ROOT = str(tmp_path)
    sub = "par" + uuid.uuid4().hex[:10]
    ws = provisioning.create_workspace(company_name="并行测试有限公司", subdomain=sub, admin_name="老板",
                                       email=f"boss@{sub}.example.com", password=PASSWORD, language="en")
    schema = ws.tenant.schema_name
    rows = [[f"并行{i:02d}有限公司", "企业", "", "", "", f"联系人{i}", f"136{i:08d}", ""] for i in range(12)]
    queued: list[int] = []
    with schema_context(schema):
        boss = User.objects.get(email=f"boss@{sub}.example.com")
        job = uploaded(by=boss, kind="customers", upload=xlsx_bytes(rows), filename="p.xlsx")
        services.start(job, by=boss, enqueue=False)
    saving, release = threading.Event(), threading.Event()
    original, batch_size = CustomerImporter.create, CustomerImporter.batch_size

    def paused(self, batch, ctx):
        saving.set()  # inside the batch's transaction, before its rows are saved
        assert release.wait(30)
        return original(self, batch, ctx)

    def first_batch():
        try:
            with schema_context(schema):
                services.run_batch(job.pk, 0)
        finally:
            connection.close()

    CustomerImporter.batch_size = 5
    try:
        with schema_context(schema):
            services.run_job(job.pk, enqueue_batch=lambda job_id, number: queued.append(number))
        assert queued == [0, 1, 2]
        CustomerImporter.create = paused
        worker = threading.Thread(target=first_batch)
        worker.start()
        assert saving.wait(30)
        try:
            with schema_context(schema), transaction.atomic():
                ImportJob.objects.select_for_update(nowait=True).get(pk=job.pk)  # the job row is free
        finally:
            release.set()
            worker.join(30)
    finally:
        CustomerImporter.create, CustomerImporter.batch_size = original, batch_size
    with schema_context(schema):
        for number in (1, 2):
            services.run_batch(job.pk, number)
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE and job.imported == 12
        assert ImportBatch.objects.filter(job=job, done=True).count() == 3
