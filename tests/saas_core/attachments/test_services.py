"""Attachment operations: storage per tenant, names, limits, rights, recycle bin, merge, storage used."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from saas_core.attachments import services
from saas_core.attachments.models import Attachment
from saas_core.customers import merge, sharing
from saas_core.customers.models import Customer
from saas_core.records import bin as recycle_bin
from saas_core.records.history import history_of
from saas_core.records.models import BinEntry
from tests.conftest import in_tenant
from tests.saas_core.attachments.conftest import a_file, make_customer

pytestmark = pytest.mark.django_db


def read(attachment: Attachment) -> bytes:
    with default_storage.open(attachment.file.name) as handle:
        return handle.read()


def test_the_file_is_stored_under_the_tenant_with_a_random_name(tenant_a, org, book, media):
    with in_tenant(tenant_a):
        att = services.upload(book.customer, a_file("../../etc/报价单.pdf"), by=org.sales1, description=" 第一版 ")
        assert att.name == "报价单.pdf"  # no folder part from the client survives
        assert att.file.name.startswith(f"attachments/{tenant_a.schema}/")
        assert "报价单" not in att.file.name and ".." not in att.file.name
        assert (media / att.file.name).read_bytes() == b"%PDF-1.4 quote"
        assert (att.size, att.content_type, att.description) == (14, "application/pdf", "第一版")
        assert att.uploaded_by == org.sales1 and att.uploaded_at is not None
        assert att.parent == book.customer
        second = services.upload(book.customer, a_file("报价单.pdf"), by=org.sales1)
        assert second.file.name != att.file.name  # the same name twice: two files
        assert [a.pk for a in services.attachments_of(book.customer)] == [second.pk, att.pk]


def test_the_content_type_comes_from_the_name_not_the_browser(tenant_a, org, book):
    with in_tenant(tenant_a):
        page = services.upload(book.customer, a_file("x.html", b"<script>1</script>", "image/png"), by=org.sales1)
        assert page.content_type == "text/html"
        odd = services.upload(book.customer, a_file("data.unknownext", b"1", "application/x-thing"), by=org.sales1)
        assert odd.content_type == "application/x-thing"
        bare = services.upload(book.customer, a_file("README", b"1", "not a type"), by=org.sales1)
        assert bare.content_type == "application/octet-stream"


def test_long_and_odd_names_are_cleaned(tenant_a, org, book):
    assert services.clean_name("C:\\Users\\王\\合同\x00.docx") == "合同.docx"
    long = "长" * 300 + ".xlsx"
    assert services.clean_name(long) == "长" * 250 + ".xlsx"
    assert services.clean_name("...") == "file"


def test_empty_and_too_large_files_are_refused_with_their_name(tenant_a, org, book, settings, media):
    settings.ATTACHMENT_MAX_MB = 1
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as empty:
            services.upload(book.customer, a_file("空.txt", b""), by=org.sales1)
        assert empty.value.message_dict == {"file": ["“空.txt” is empty; choose a file with content."]}
        with pytest.raises(ValidationError) as big:
            services.upload(book.customer, a_file("大文件.zip", b"x" * (1024 * 1024 + 1)), by=org.sales1)
        assert big.value.message_dict == {"file": ["“大文件.zip” is 1.0\xa0MB; files may be at most 1 MB."]}
        exactly = services.upload(book.customer, a_file("ok.zip", b"x" * (1024 * 1024)), by=org.sales1)
        assert exactly.size == 1024 * 1024
        assert Attachment.objects.count() == 1
        files = [p for p in media.rglob("*") if p.is_file()]
        assert len(files) == 1  # nothing was written for the refused ones


def test_rights_to_upload_follow_the_customer(tenant_a, org, book):
    with in_tenant(tenant_a):
        sharing.share(book.customer, [org.sales2], "read", by=org.sales1)
        with pytest.raises(PermissionDenied, match="You may not change “北京华兴科技有限公司”"):
            services.upload(book.customer, a_file(), by=org.sales2)  # shared read-only
        sharing.share(book.customer, [org.sales_w], "write", by=org.sales1)
        assert services.upload(book.customer, a_file(), by=org.sales_w).parent == book.customer
        with pytest.raises(PermissionDenied, match="may not create attachments"):
            services.upload(book.customer, a_file(), by=org.cs)  # Customer service: view only
        with pytest.raises(PermissionDenied):
            services.upload(book.other, a_file(), by=org.sales1)  # outside sales1's scope
        recycle_bin.trash(book.customer, by=org.boss)
        with pytest.raises(ValidationError, match="is in the recycle bin; restore it first"):
            services.upload(Customer.all_objects.get(pk=book.customer.pk), a_file(), by=org.boss)


def test_delete_restore_and_purge(tenant_a, org, book, media, django_capture_on_commit_callbacks):
    with in_tenant(tenant_a):
        att = services.upload(book.customer, a_file(), by=org.sales1)
        path = media / att.file.name
        with pytest.raises(PermissionDenied, match="may not delete attachments"):
            services.delete(att, by=org.sales1, parent=book.customer)  # Sales: no delete by default
        services.delete(att, by=org.manager, parent=book.customer)
        assert not services.attachments_of(book.customer).exists() and path.exists()
        entry = BinEntry.objects.get(object_id=att.pk)
        assert entry.label == "报价单.pdf"
        assert history_of(Attachment.all_objects.get(pk=att.pk))[0].action == "moved to the recycle bin"
        recycle_bin.restore(entry, by=org.manager)
        restored = services.attachments_of(book.customer).get()
        assert read(restored) == b"%PDF-1.4 quote"

        services.delete(restored, by=org.manager, parent=book.customer)
        with django_capture_on_commit_callbacks(execute=True):
            recycle_bin.purge(BinEntry.objects.get(object_id=att.pk), by=org.boss)
        assert not Attachment.all_objects.filter(pk=att.pk).exists()
        assert not path.exists()


def test_a_rolled_back_purge_keeps_the_file(tenant_a, org, book, media, django_capture_on_commit_callbacks):
    with in_tenant(tenant_a):
        att = services.upload(book.customer, a_file(), by=org.sales1)
        entry = recycle_bin.trash(att, by=org.boss)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            recycle_bin.purge(entry, by=org.boss)
        assert len(callbacks) == 1 and (media / att.file.name).exists()  # removed only once committed


def test_attachments_go_to_the_bin_with_their_customer_and_are_purged_with_it(
    tenant_a, org, book, media, django_capture_on_commit_callbacks,
):
    with in_tenant(tenant_a):
        kept = services.upload(book.customer, a_file("合同.pdf"), by=org.sales1)
        earlier = services.upload(book.customer, a_file("旧.pdf"), by=org.sales1)
        earlier_entry = recycle_bin.trash(earlier, by=org.boss)
        entry = recycle_bin.trash(book.customer, by=org.boss)
        assert entry.dependants == 1  # the live attachment went with it; the binned one keeps its entry
        assert not Attachment.objects.exists()
        # The earlier attachment cannot come back while its customer is in the bin.
        with pytest.raises(ValidationError, match="Restore “北京华兴科技有限公司” first"):
            recycle_bin.restore(earlier_entry, by=org.boss)
        recycle_bin.restore(entry, by=org.boss)
        assert list(Attachment.objects.values_list("name", flat=True)) == ["合同.pdf"]

        recycle_bin.trash(Customer.objects.get(pk=book.customer.pk), by=org.boss)
        with django_capture_on_commit_callbacks(execute=True):
            recycle_bin.purge(BinEntry.objects.get(object_id=book.customer.pk), by=org.boss)
        assert not Attachment.all_objects.exists()
        assert not (media / kept.file.name).exists() and not (media / earlier.file.name).exists()
        assert not BinEntry.objects.exists()


def test_merge_moves_the_attachments_to_the_survivor(tenant_a, org, book):
    with in_tenant(tenant_a):
        duplicate = make_customer(org.sales1, "北京华兴")
        mine = services.upload(book.customer, a_file("a.pdf"), by=org.sales1)
        moved = services.upload(duplicate, a_file("b.pdf"), by=org.sales1)
        binned = services.upload(duplicate, a_file("c.pdf"), by=org.sales1)
        recycle_bin.trash(binned, by=org.boss)
        result = merge.merge(book.customer, duplicate, by=org.sales1)
        assert result.moved["attachments.attachment.parent"] == 2
        assert {a.pk for a in services.attachments_of(book.customer)} == {mine.pk, moved.pk}
        # The one in the recycle bin comes back to the survivor too.
        recycle_bin.restore(BinEntry.objects.get(object_id=binned.pk), by=org.boss)
        assert services.attachments_of(book.customer).count() == 3
        assert BinEntry.objects.get(object_id=duplicate.pk).dependants == 0  # nothing left with the duplicate


def test_storage_used_counts_the_bin_and_each_tenant_has_its_own_directory(tenant_a, tenant_b, org, book, make_user):
    with in_tenant(tenant_a):
        assert services.storage_used() == 0
        mine = services.upload(book.customer, a_file(content=b"x" * 100), by=org.sales1)
        binned = services.upload(book.customer, a_file(content=b"x" * 50), by=org.sales1)
        recycle_bin.trash(binned, by=org.boss)
        assert services.storage_used() == 150
    seller_b = make_user(tenant_b, role="sales")
    with in_tenant(tenant_b):
        assert services.storage_used() == 0
        theirs = services.upload(make_customer(seller_b, "北京华兴科技有限公司"), a_file(content=b"y" * 7), by=seller_b)
        assert services.storage_used() == 7
    assert mine.file.name.split("/")[:2] == ["attachments", tenant_a.schema]
    assert theirs.file.name.split("/")[:2] == ["attachments", tenant_b.schema]
