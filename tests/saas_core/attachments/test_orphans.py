"""Stored files that no attachment names (an upload rolled back after its file was written) are
removed once a day old; files of attachments, young files and other companies' files stay."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from saas_core.attachments import services, tasks
from tests.conftest import in_tenant
from tests.saas_core.attachments.conftest import a_file

pytestmark = pytest.mark.django_db


def _age(name: str, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(default_storage.path(name), (then, then))


def test_old_orphans_go_and_everything_else_stays(tenant_a, tenant_b, org, book, media):
    with in_tenant(tenant_a):
        kept = services.upload(book.customer, a_file(), by=org.sales1)
        _age(kept.file.name, 30)
        in_bin = services.upload(book.customer, a_file("旧合同.pdf"), by=org.sales1)
        services.delete(in_bin, by=org.boss, parent=book.customer)
        _age(in_bin.file.name, 30)  # in the recycle bin: restorable, so its file stays
        old_orphan = default_storage.save(f"{services.tenant_folder()}/2025/01/deadbeef", ContentFile(b"left over"))
        _age(old_orphan, 3)
        young_orphan = default_storage.save(services.storage_path(), ContentFile(b"still committing"))
    with in_tenant(tenant_b):
        b_orphan = default_storage.save(f"{services.tenant_folder()}/2025/01/cafebabe", ContentFile(b"B's"))
        _age(b_orphan, 3)
    with in_tenant(tenant_a):
        assert tasks.sweep_orphan_files() == 1
        assert not default_storage.exists(old_orphan)
        assert all(default_storage.exists(n) for n in (kept.file.name, in_bin.file.name, young_orphan, b_orphan))
        assert services.sweep_orphan_files() == 0  # a second run finds nothing
        assert services.sweep_orphan_files(now=timezone.now() + timedelta(days=2)) == 1  # the young one, later
        assert default_storage.exists(kept.file.name)


def test_a_company_without_files_sweeps_nothing(tenant_a, media):
    with in_tenant(tenant_a):
        assert services.sweep_orphan_files() == 0
