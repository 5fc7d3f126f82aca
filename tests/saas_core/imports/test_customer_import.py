"""Importing customers with their first contact (CUS-08): files, rows, duplicates, reports, retries."""

from __future__ import annotations

import codecs
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from saas_core.customers import services as customer_services
from saas_core.customers.models import Contact, Customer, PhoneNumber
from saas_core.customers.search import search_customers
from saas_core.imports import services
from saas_core.imports.models import ImportBatch, ImportIssue, ImportJob
from tests.conftest import in_tenant
from tests.saas_core.imports.conftest import BAD, GOOD, HEADER_ZH, csv_bytes, import_file, run, uploaded, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD_NAMES = {"上海浦江物流有限公司", "Pacific Rim Trading Co., Ltd.", "张三"}


def report_rows(job) -> list[tuple]:
    from django.core.files.storage import default_storage

    with default_storage.open(job.report, "rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read()), read_only=True).worksheets[0]
        return [tuple(r) for r in ws.iter_rows(values_only=True)]


def assert_good_and_bad(job) -> None:
    assert job.status == ImportJob.Status.DONE, job.error
    assert (job.imported, job.rejected, job.skipped, job.total_rows, job.progress) == (3, 5, 0, 8, 100)
    assert set(Customer.objects.values_list("name", flat=True)) == GOOD_NAMES
    # each with its first contact, primary, and its phones in the index
    for customer in Customer.objects.all():
        contact = customer.contacts.get()
        assert contact.is_primary and contact.created_by == job.created_by
        assert customer.owner == job.created_by and customer.number.startswith("KH")
    pujiang = Customer.objects.get(name="上海浦江物流有限公司")
    assert pujiang.industry.key == "logistics" and pujiang.kind == "enterprise"
    assert pujiang.contacts.get().mobile == "+86 139 1234 5678"  # shown as entered
    assert sorted(PhoneNumber.objects.filter(customer=pujiang).values_list("digits", flat=True)) == [
        "02158886666", "13912345678",
    ]
    # searchable at once: by the last digits of the contact's mobile, by pinyin initials, by name
    assert list(search_customers(Customer.objects.all(), "5678")) == [pujiang]
    assert list(search_customers(Customer.objects.all(), "shpj")) == [pujiang]
    assert list(search_customers(Customer.objects.all(), "pacific")) == [Customer.objects.get(name__startswith="Pacific")]
    # the report: every rejected row, its number in the file, why, and its cells
    rows = report_rows(job)
    assert rows[0][:3] == ("Row", "Result", "Reasons") and list(rows[0][3:]) == HEADER_ZH
    by_row = {r[0]: r for r in rows[1:]}
    assert sorted(by_row) == [5, 6, 7, 8, 9]
    assert "Customer name: this column is required." in by_row[5][2]
    assert "E-mail: Enter a valid email address." in by_row[6][2]
    assert "Industry: “造飞船” is not a value of this list" in by_row[7][2]
    assert "Customer name: at most 200 characters (it has 201)." in by_row[8][2]
    assert "Contact name: at most 100 characters (it has 101)." in by_row[9][2]
    assert by_row[6][3] == "坏邮箱有限公司" and all(r[1] == "Rejected" for r in by_row.values())


def test_template_download_has_every_column_and_marks_the_required(tenant_a, boss_a, client_for):
    response = client_for(tenant_a, boss_a).get("/imports/template/customers.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    header, example = list(ws.iter_rows(values_only=True))[:2]
    assert header[0] == "Customer name *" and "Mobile" in header and "Contact name" in header
    assert example[0] == "Sample customer (delete this row before importing)"
    from django.utils import translation

    from saas_core.imports.registry import get_importer

    out = io.BytesIO()
    with translation.override("zh-hans"):
        services.template_xlsx(get_importer("customers"), out)
    header = next(load_workbook(io.BytesIO(out.getvalue()), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert header[0] == "客户名称 *" and "手机" in header


def test_xlsx_good_rows_are_imported_bad_rows_reported(tenant_a, boss_a):
    job = import_file(tenant_a, boss_a, xlsx_bytes(GOOD + BAD), "customers.xlsx")
    with in_tenant(tenant_a):
        assert job.file_format == "xlsx"
        assert_good_and_bad(job)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_gbk(tenant_a, boss_a, encoding):
    data = csv_bytes(GOOD + BAD, encoding="utf-8" if encoding == "utf-8-sig" else encoding)
    if encoding == "utf-8-sig":
        data = codecs.BOM_UTF8 + data
    job = import_file(tenant_a, boss_a, data, "customers.csv")
    with in_tenant(tenant_a):
        assert job.file_format == "csv"
        assert job.encoding == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}.get(encoding, "gb18030")
        assert_good_and_bad(job)


def test_english_headers_are_mapped_and_tab_separated_utf16_is_read(tenant_a, boss_a):
    header = ["Customer name", "Kind", "Industry", "Phone", "E-mail", "Contact", "Mobile phone", "Job title"]
    text = "\t".join(header) + "\n" + "\n".join("\t".join(r) for r in GOOD) + "\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    with in_tenant(tenant_a):
        job = uploaded(by=boss_a, kind="customers", upload=data, filename="export.txt")
        assert job.mapping == {
            "name": 0, "kind": 1, "industry": 2, "phone": 3, "email": 4, "contact_name": 5, "contact_mobile": 6,
            "contact_title": 7,
        }
        job = run(job)
        assert (job.imported, job.rejected) == (3, 0)


def test_a_failing_contact_leaves_no_half_customer(tenant_a, boss_a):
    rows = [
        ["好公司有限公司", "企业", "", "", "", "李雷", "13900000001", ""],
        ["坏联系人有限公司", "企业", "", "", "", "韩梅梅", "13900000002", "经" * 61],  # title too long
    ]
    job = import_file(tenant_a, boss_a, xlsx_bytes(rows), "c.xlsx")
    with in_tenant(tenant_a):
        assert (job.imported, job.rejected) == (1, 1)
        assert not Customer.objects.filter(name="坏联系人有限公司").exists()
        assert not Contact.objects.filter(name="韩梅梅").exists()
        assert not PhoneNumber.objects.filter(digits="13900000002").exists()
        assert job.issues.get().reasons == ["Title: at most 60 characters (it has 61)."]


def test_model_validation_rejects_what_the_columns_let_through(tenant_a, boss_a):
    """The bulk path runs the models' own validation, as create_customer does."""
    from saas_core.customers import bulk

    with in_tenant(tenant_a):
        results = bulk.create_customers([
            bulk.NewCustomer({"name": "甲公司", "heat": 9}),
            bulk.NewCustomer({"name": "乙公司"}, {"name": "王五", "email": "nope"}),
            bulk.NewCustomer({"name": "丙公司", "kind": "alien"}),
            bulk.NewCustomer({"name": "丁公司"}, {"name": "赵六", "mobile": "138 0000 0000"}),
        ], by=boss_a)
        assert set(results[0].message_dict) == {"heat"}
        assert set(results[1].message_dict) == {"contact_email"}
        assert set(results[2].message_dict) == {"kind"}
        assert isinstance(results[3], Customer)
        assert list(Customer.objects.values_list("name", flat=True)) == ["丁公司"]
        assert PhoneNumber.objects.get().contact.name == "赵六"


def test_bulk_phone_rows_match_sync_phones(tenant_a, boss_a):
    """The bulk path's phone index is exactly what services.sync_phones builds."""
    from saas_core.customers import bulk

    with in_tenant(tenant_a):
        [customer] = bulk.create_customers([bulk.NewCustomer(
            {"name": "电话测试有限公司", "phone": "(0755) 8888 1234", "fax": "0755-88881235"},
            {"name": "钱七", "mobile": "+86 138-1234 5678", "phone": "021 5888 6666 转 8001"},
        )], by=boss_a)
        before = sorted(PhoneNumber.objects.filter(customer=customer).values_list("digits", "reversed_digits", "contact_id"))
        customer_services.sync_phones(customer)
        after = sorted(PhoneNumber.objects.filter(customer=customer).values_list("digits", "reversed_digits", "contact_id"))
        assert before == after and len(before) == 4


def test_imported_records_are_in_the_data_log_with_who_imported_them(tenant_a, boss_a):
    from pghistory.models import Events

    job = import_file(tenant_a, boss_a, xlsx_bytes(GOOD[:1]), "c.xlsx")
    with in_tenant(tenant_a):
        customer = Customer.objects.get()
        events = list(Events.objects.tracks(customer).filter(pgh_label="insert"))
        assert len(events) == 1
        assert events[0].pgh_data["name"] == customer.name
        assert events[0].pgh_context["user"] == boss_a.pk and events[0].pgh_context["import_job"] == job.pk
        contact_events = Events.objects.tracks(customer.contacts.get()).filter(pgh_label="insert")
        assert contact_events.count() == 1
        # the per-row trigger stood aside for the import's rows only: later saves are logged as usual
        later = customer_services.create_customer(by=boss_a, name="之后新建有限公司")
        assert Events.objects.tracks(later).filter(pgh_label="insert").count() == 1


# --- duplicates ------------------------------------------------------------------------------------


def test_rerunning_the_same_file_with_skip_imports_nothing_twice(tenant_a, boss_a):
    data = xlsx_bytes(GOOD + BAD)
    import_file(tenant_a, boss_a, data, "c.xlsx")
    again = import_file(tenant_a, boss_a, data, "c.xlsx")
    with in_tenant(tenant_a):
        assert (again.imported, again.skipped, again.rejected) == (0, 3, 5)
        assert Customer.objects.count() == 3 and Contact.objects.count() == 3
        reasons = dict(again.issues.filter(outcome="skipped").values_list("row_number", "reasons"))
        assert reasons[2] == ["Already exists: “上海浦江物流有限公司” (owner: Boss alpha) (same name)."]
        skipped = [r for r in report_rows(again)[1:] if r[1] == "Skipped"]
        assert len(skipped) == 3


def test_duplicates_by_phone_and_within_the_file(tenant_a, boss_a, make_user):
    zhang = make_user(tenant_a, username="zhang", name="张伟", role="sales")
    with in_tenant(tenant_a):
        customer_services.create_customer(by=zhang, name="老客户有限公司", phone="010-62345678", check_permission=False)
    rows = [
        ["新名字有限公司", "企业", "", "+86 10 6234 5678", "", "", "", ""],  # same phone as 老客户 (normalised)
        ["文件内重复有限公司", "企业", "", "", "", "甲", "13811112222", ""],
        ["文件内重复有限公司", "企业", "", "", "", "乙", "", ""],  # same name as the row before
        ["另一家有限公司", "企业", "", "", "", "丙", "138-1111-2222", ""],  # same mobile as row 3
    ]
    job = import_file(tenant_a, boss_a, xlsx_bytes(rows), "c.xlsx")
    with in_tenant(tenant_a):
        assert (job.imported, job.skipped) == (1, 3)
        reasons = dict(job.issues.values_list("row_number", "reasons"))
        assert reasons[2] == ["Already exists: “老客户有限公司” (owner: 张伟) (same phone number)."]
        assert reasons[4] == ["Same as row 3 of this file."]
        assert reasons[5] == ["Same as row 3 of this file."]


def test_a_rejected_row_does_not_make_a_later_row_a_duplicate(tenant_a, boss_a):
    rows = [
        ["重名有限公司", "企业", "", "", "bad-email", "", "", ""],
        ["重名有限公司", "企业", "", "", "ok@example.com", "", "", ""],
    ]
    job = import_file(tenant_a, boss_a, xlsx_bytes(rows), "c.xlsx")
    with in_tenant(tenant_a):
        assert (job.imported, job.rejected, job.skipped) == (1, 1, 0)


def test_import_anyway_creates_duplicates(tenant_a, boss_a):
    data = xlsx_bytes(GOOD)
    import_file(tenant_a, boss_a, data, "c.xlsx")
    again = import_file(tenant_a, boss_a, data, "c.xlsx", mode="create")
    with in_tenant(tenant_a):
        assert again.imported == 3 and Customer.objects.count() == 6


def test_update_mode_fills_the_existing_customer_and_adds_the_contact(tenant_a, boss_a):
    with in_tenant(tenant_a):
        existing = customer_services.create_customer(
            by=boss_a, name="上海浦江物流有限公司", address="旧地址", contact={"name": "老联系人"},
        )
    rows = [
        ["上海浦江物流有限公司", "企业", "物流/运输", "021-5888 6666", "new@pujiang.cn", "王芳", "13912345678", "经理"],
        ["全新客户有限公司", "企业", "", "", "", "赵", "13700001234", ""],
        ["全新客户有限公司", "企业", "IT and internet", "", "", "钱", "13700005678", ""],  # updates the row before
    ]
    job = import_file(tenant_a, boss_a, xlsx_bytes(rows), "c.xlsx", mode="update")
    with in_tenant(tenant_a):
        assert (job.imported, job.updated, job.rejected) == (1, 2, 0), list(job.issues.values_list("reasons", flat=True))
        existing.refresh_from_db()
        assert existing.email == "new@pujiang.cn" and existing.industry.key == "logistics"
        assert existing.address == "旧地址"  # an empty cell leaves the field as it is
        assert sorted(existing.contacts.values_list("name", flat=True)) == ["王芳", "老联系人"]
        assert PhoneNumber.objects.filter(customer=existing, digits="13912345678").exists()
        fresh = Customer.objects.get(name="全新客户有限公司")
        assert fresh.industry.key == "it"
        assert sorted(fresh.contacts.values_list("name", flat=True)) == ["赵", "钱"]


def test_update_mode_refuses_customers_outside_the_users_scope(tenant_a, boss_a, make_user):
    manager = make_user(tenant_a, username="mgr", role="manager")
    other = make_user(tenant_a, username="other", role="sales")
    with in_tenant(tenant_a):
        customer_services.create_customer(by=other, name="别人的客户有限公司", check_permission=False)
    rows = [["别人的客户有限公司", "企业", "", "", "x@example.com", "", "", ""]]
    job = import_file(tenant_a, manager, xlsx_bytes(rows), "c.xlsx", mode="update")
    with in_tenant(tenant_a):
        assert (job.updated, job.rejected) == (0, 1)
        assert "may not be changed by you" in job.issues.get().reasons[0]
        assert Customer.objects.get().email == ""


# --- permissions -----------------------------------------------------------------------------------


def test_import_needs_the_import_right_and_update_mode_the_edit_right(tenant_a, make_user, client_for):
    sales = make_user(tenant_a, role="sales")  # customers: view, create, edit (no import)
    with in_tenant(tenant_a), pytest.raises(PermissionDenied):
        services.create_job(by=sales, kind="customers", upload=xlsx_bytes(GOOD), filename="c.xlsx")
    client = client_for(tenant_a, sales)
    assert client.get("/imports/new/customers/").status_code == 403
    assert client.get("/imports/template/customers.xlsx").status_code == 403
    api = client.post("/api/v1/imports/", {"file": SimpleUploadedFile("c.xlsx", xlsx_bytes(GOOD))})
    assert api.status_code == 403 and "may not import customers" in api.json()["detail"]


def test_a_job_checks_the_right_again_when_it_runs(tenant_a, make_user):
    from saas_core.org.models import RoleSetting

    manager = make_user(tenant_a, role="manager")
    with in_tenant(tenant_a):
        job = uploaded(by=manager, kind="customers", upload=xlsx_bytes(GOOD), filename="c.xlsx")
        services.start(job, by=manager, enqueue=False)
        setting = RoleSetting.objects.get(role="manager")
        setting.permissions = {**setting.permissions, "customers": ["view"]}
        setting.save()
        job = services.run_job(job.pk)
        assert job.status == ImportJob.Status.FAILED and "may not import customers" in job.error
        assert not Customer.objects.exists()


def test_other_users_cannot_see_or_download_a_job(tenant_a, boss_a, make_user, client_for):
    manager = make_user(tenant_a, role="manager")
    other = make_user(tenant_a, role="manager")
    job = import_file(tenant_a, manager, xlsx_bytes(GOOD + BAD), "c.xlsx")
    assert client_for(tenant_a, manager).get(f"/imports/{job.pk}/report.xlsx").status_code == 200
    assert client_for(tenant_a, boss_a).get(f"/imports/{job.pk}/report.xlsx").status_code == 200
    assert client_for(tenant_a, boss_a).get(f"/imports/{job.pk}/file").status_code == 200
    stranger = client_for(tenant_a, other)
    for url in (f"/imports/{job.pk}/", f"/imports/{job.pk}/report.xlsx", f"/imports/{job.pk}/file",
                f"/imports/{job.pk}/status.json", f"/api/v1/imports/{job.pk}/", f"/api/v1/imports/{job.pk}/report/"):
        assert stranger.get(url).status_code == 404, url


def test_tenant_b_cannot_reach_tenant_a_files_by_id_or_path(tenant_a, tenant_b, boss_a, client_for, media):
    from django.core.files.storage import default_storage

    from saas_core.accounts.models import User
    from saas_core.imports import storage

    job = import_file(tenant_a, boss_a, xlsx_bytes(GOOD + BAD), "c.xlsx")
    assert job.report.startswith(f"imports/{tenant_a.schema}/{job.token}/") and default_storage.exists(job.report)
    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
        assert not ImportJob.objects.filter(pk=job.pk).exists()
        # the same path, asked for inside B: refused before the storage is touched
        with pytest.raises(PermissionDenied):
            storage.open_file(job.report)
        # a job row in B that points at A's file (forged or copied) still cannot serve it
        forged = ImportJob.objects.create(kind="customers", file=job.file, report=job.report, original_name="x.xlsx",
                                          file_format="xlsx", created_by=boss_b, status="done")
    b = client_for(tenant_b, boss_b)
    assert b.get(f"/imports/{forged.pk}/report.xlsx").status_code == 404
    assert b.get(f"/imports/{forged.pk}/file").status_code == 404
    assert b.get(f"/media/{job.report}").status_code == 404  # files are never served as media


# --- preview, mapping, retries ---------------------------------------------------------------------


def test_preview_shows_per_cell_problems_and_duplicates(tenant_a, boss_a):
    with in_tenant(tenant_a):
        customer_services.create_customer(by=boss_a, name="张三")
        job = uploaded(by=boss_a, kind="customers", upload=xlsx_bytes(GOOD + BAD), filename="c.xlsx")
        columns, rows = services.preview(job)
        assert [c.key for c in columns][:3] == ["name", "kind", "industry"]
        by_number = {r.number: r for r in rows}
        assert by_number[4].duplicate.startswith("“张三”")
        email = [c.key for c in columns].index("email")
        assert by_number[6].cells[email] == ("not-an-email", "E-mail: Enter a valid email address.")
        assert not by_number[2].problems and by_number[5].problems == ["Customer name: this column is required."]


def test_mapping_is_checked(tenant_a, boss_a):
    with in_tenant(tenant_a):
        job = uploaded(by=boss_a, kind="customers", upload=xlsx_bytes(GOOD), filename="c.xlsx")
        with pytest.raises(ValidationError, match="mapped twice"):
            services.set_mapping(job, by=boss_a, mapping={"name": 0, "short_name": 0})
        services.set_mapping(job, by=boss_a, mapping={"contact_name": "联系人"})
        with pytest.raises(ValidationError, match="Customer name"):
            services.start(job, by=boss_a, enqueue=False)


def test_unreadable_files_are_refused_with_a_reason(tenant_a, boss_a):
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError, match="old Excel file"):
            services.create_job(by=boss_a, kind="customers", upload=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100,
                                filename="c.xls")
        with pytest.raises(ValidationError, match="not a valid xlsx"):
            services.create_job(by=boss_a, kind="customers", upload=b"PK\x03\x04broken", filename="c.xlsx")
        with pytest.raises(ValidationError, match="empty"):
            services.create_job(by=boss_a, kind="customers", upload=b"", filename="c.csv")


@pytest.mark.parametrize("parallel", [True, False])
def test_an_interrupted_job_resumes_without_importing_twice(tenant_a, boss_a, settings, parallel):
    """Batches commit one by one; a rerun (a retried task) continues after the last committed one."""
    from saas_core.customers.importers import CustomerImporter

    settings.IMPORT_PARALLEL = parallel
    rows = [[f"续传测试{i:03d}有限公司", "企业", "", "", "", f"联系人{i}", f"139{i:08d}", ""] for i in range(25)]
    rows[12][4] = "bad"
    calls = {"n": 0}
    original = CustomerImporter.create

    def flaky(self, batch, ctx):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("worker lost")
        return original(self, batch, ctx)

    batch_size = CustomerImporter.batch_size
    with in_tenant(tenant_a):
        job = uploaded(by=boss_a, kind="customers", upload=xlsx_bytes(rows), filename="c.xlsx")
        services.start(job, by=boss_a, enqueue=False)
        CustomerImporter.batch_size = 10
        CustomerImporter.create = flaky
        try:
            with pytest.raises(ConnectionError):
                services.run_job(job.pk)
            job.refresh_from_db()
            assert job.processed_rows == 10 and job.imported == 10 and job.status == "running"
            assert Customer.objects.count() == 10
            job = services.run_job(job.pk)  # the retry
            services.run_job(job.pk)  # and a duplicate delivery of the task: nothing happens
            if parallel:
                for number in range(3):
                    services.run_batch(job.pk, number)
        finally:
            CustomerImporter.batch_size = batch_size
            CustomerImporter.create = original
        job.refresh_from_db()
        assert job.status == "done" and (job.imported, job.rejected, job.processed_rows) == (24, 1, 25)
        assert Customer.objects.count() == 24 and Contact.objects.count() == 24
        assert ImportIssue.objects.filter(job=job).count() == 1
        if parallel:
            assert ImportBatch.objects.filter(job=job, done=True).count() == 3


def test_blank_rows_are_ignored_and_numbers_keep_their_place(tenant_a, boss_a):
    rows = [GOOD[0], ["", "", "", "", "", "", "", ""], [], BAD[1]]
    job = import_file(tenant_a, boss_a, xlsx_bytes(rows), "c.xlsx")
    with in_tenant(tenant_a):
        assert (job.imported, job.rejected, job.total_rows) == (1, 1, 2)
        assert job.issues.get().row_number == 5


def test_a_customer_in_the_recycle_bin_is_no_duplicate(tenant_a, boss_a):
    from saas_core.records.bin import trash

    with in_tenant(tenant_a):
        binned = customer_services.create_customer(by=boss_a, name="回收站里的有限公司", phone="0755-8888 0001",
                                                   check_permission=False)
        trash(binned, by=boss_a)
        customer_services.create_customer(by=boss_a, name="还在的有限公司", phone="0755-8888 0002", check_permission=False)
    rows = [
        ["回收站里的有限公司", "企业", "", "", "", "", "", ""],  # same name as the binned one
        ["新的一家有限公司", "企业", "", "0755 8888 0001", "", "", "", ""],  # its phone
        ["另一家新的有限公司", "企业", "", "", "", "丁", "075588880002", ""],  # the live one's phone, as the contact's
    ]
    job = import_file(tenant_a, boss_a, xlsx_bytes(rows), "c.xlsx")
    with in_tenant(tenant_a):
        assert (job.imported, job.skipped) == (2, 1)
        assert job.issues.get().reasons == ["Already exists: “还在的有限公司” (owner: Boss alpha) (same phone number)."]


def test_repeated_values_are_read_alike_in_every_row(tenant_a, boss_a):
    """List values, kinds and owners are looked up once per run: every row still gets its own result."""
    rows = [[f"重复值{i}有限公司", kind, industry, "", "", "", "", ""] for i, (kind, industry) in enumerate([
        ("企业", "造飞船"), ("个人", "物流/运输"), ("企业", "造飞船"), ("外星", "物流/运输"), ("个人", "Logistics"),
    ])]
    job = import_file(tenant_a, boss_a, xlsx_bytes(rows), "c.xlsx")
    with in_tenant(tenant_a):
        assert (job.imported, job.rejected) == (2, 3)
        reasons = dict(job.issues.values_list("row_number", "reasons"))
        assert reasons[2] == reasons[4] and "“造飞船” is not a value of this list" in reasons[2][0]
        assert reasons[5] == ["Kind: “外星” is not one of: " + reasons[5][0].split("is not one of: ")[1]]
        imported = Customer.objects.order_by("name")
        assert [(c.kind, c.industry.key) for c in imported] == [("individual", "logistics"), ("individual", "logistics")]


@pytest.mark.parametrize(("cell", "expected"), [
    ("1990-05-01", "1990-05-01"), ("1990-5-1", "1990-05-01"), ("1990/05/01", "1990-05-01"), ("19900501", "1990-05-01"),
    ("１９９０－０５－０１", "1990-05-01"), ("1990年5月1日", "1990-05-01"), ("1990-05-01 08:30", "1990-05-01"),
    ("1990-02-30", None), ("2024-13-01", None), ("soon", None),
])
def test_dates_in_the_forms_people_type(cell, expected):
    from saas_core.imports.registry import parse_date

    if expected is None:
        with pytest.raises(ValidationError, match="is not a date"):
            parse_date(cell, {})
    else:
        assert parse_date(cell, {}).isoformat() == expected


def test_a_workbook_broken_further_on_fails_the_job_with_a_reason(tenant_a, boss_a, monkeypatch):
    """Strings and cells are read as the rows are: a part broken after the header fails the job, clearly."""
    import zipfile

    from saas_core.imports import sheetxml
    from saas_core.imports.xlsx import Sheet, write_xlsx

    rows = [[f"读到一半{i:03d}有限公司", "企业", "", "", "", f"人{i}", "", ""] for i in range(300)]
    source, broken = io.BytesIO(), io.BytesIO()
    write_xlsx(source, [Sheet("S", HEADER_ZH, rows)], shared_strings=True)  # as Excel writes them
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                data = data[: len(data) - 200] + b"<si><t>unclosed</si></sst>"
            zout.writestr(info, data)
    monkeypatch.setattr(sheetxml, "CHUNK", 1024)  # the header is read from the first strings only
    with in_tenant(tenant_a):
        job = uploaded(by=boss_a, kind="customers", upload=broken.getvalue(), filename="c.xlsx")
        job = run(job)
        assert job.status == ImportJob.Status.FAILED
        assert job.error.startswith("The file is not a valid xlsx workbook (")


def test_the_templates_sample_row_is_flagged_not_imported(tenant_a, boss_a):
    """Issue 14: the sample row was a demo company (北京华兴科技有限公司), so importing the template
    unchanged made a duplicate; it is an obvious sample now, and a row still carrying it is rejected."""
    from django.utils import translation

    from saas_core.imports.registry import get_importer

    for language, sample in (("zh-hans", "示例客户（导入前删除此行）"), ("en", "Sample customer (delete this row before importing)")):
        out = io.BytesIO()
        with translation.override(language):
            services.template_xlsx(get_importer("customers"), out)
        rows = list(load_workbook(io.BytesIO(out.getvalue()), read_only=True).worksheets[0].iter_rows(values_only=True))
        assert rows[1][0] == sample, language
        job = import_file(tenant_a, boss_a, out.getvalue(), f"template-{language}.xlsx")
        with in_tenant(tenant_a):
            assert (job.imported, job.rejected) == (0, 1)
            assert not Customer.objects.filter(name=sample).exists()
            reasons = report_rows(job)[1][2]
        assert "sample row" in reasons


def test_no_report_is_offered_when_every_row_was_imported(tenant_a, boss_a, client_for):
    """Issue 14: "download the report of rows not imported" was shown when nothing failed."""
    job = import_file(tenant_a, boss_a, xlsx_bytes(GOOD), "all-good.xlsx")
    with in_tenant(tenant_a):
        assert job.imported == 3 and job.report == ""
    client = client_for(tenant_a, boss_a)
    assert '<p class="d-none" data-testid="report-area">' in client.get(f"/imports/{job.pk}/").content.decode()
    assert client.get(f"/imports/{job.pk}/status.json").json()["has_report"] is False
    bad = import_file(tenant_a, boss_a, xlsx_bytes(BAD[:1]), "one-bad.xlsx")
    assert '<p class="" data-testid="report-area">' in client.get(f"/imports/{bad.pk}/").content.decode()
