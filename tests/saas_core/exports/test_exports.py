"""The Boss's whole-company export (PLT-07): the archive's contents, the page and API, who may
download it and for how long; built by the task (eagerly here; test_worker.py runs a real worker)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from saas_core.accounts.models import Role
from saas_core.exports.models import CompanyExport
from tenants.models import Tenant
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def eager(monkeypatch):
    from saas_core.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def company_a(tenant_a, boss_a):
    """Tenant A with a customer, its contact, a follow-up and an attachment."""
    from saas_core.activities import services as activities
    from saas_core.attachments import services as attachments
    from saas_core.customers import services as customers

    with in_tenant(tenant_a):
        customer = customers.create_customer(by=boss_a, name="北京华兴科技有限公司", confirm_duplicates=True,
                                             check_permission=False, contact={"name": "王经理", "mobile": "13800138000"})
        activities.save_followup(None, by=boss_a, customer=customer, subject="报价", content="电话沟通报价")
        attachments.upload(customer, SimpleUploadedFile("报价单.pdf", b"%PDF-1.4 quote", "application/pdf"), by=boss_a)
    return customer


def archive(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_boss_exports_everything_as_xlsx_json_and_files(
    eager, company_a, client_for, tenant_a, boss_a, django_capture_on_commit_callbacks,
):
    boss = client_for(tenant_a, boss_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = boss.post("/company/export/start/")
    assert response.status_code == 302
    with in_tenant(tenant_a):
        export = CompanyExport.objects.get()
    assert export.status == "done" and export.progress == 100
    assert export.expires_at - export.finished_at == timedelta(hours=24)
    page = boss.get("/company/export/").content.decode()
    assert 'data-testid="download-export"' in page and "Ready" in page

    zf = archive(boss.get(f"/company/export/{export.token}/download/"))
    names = set(zf.namelist())
    for entity in ("customers.customer", "customers.contact", "activities.followup", "activities.task",
                   "activities.dailyreport", "attachments.attachment", "accounts.user", "org.department",
                   "dictionaries.dictionaryitem", "announcements.announcement"):
        assert f"{entity}.xlsx" in names
    assert "files/" + next(n.removeprefix("files/") for n in names if n.startswith("files/")).split("/")[-1] in names
    assert [n for n in names if n.startswith("files/")][0].endswith("报价单.pdf")
    data = json.loads(zf.read("data.json"))
    assert data["company"]["name"] == "Alpha Trading Ltd"
    assert [c["name"] for c in data["entities"]["customers.customer"]] == ["北京华兴科技有限公司"]
    assert data["entities"]["customers.contact"][0]["mobile"] == "13800138000"
    assert data["entities"]["activities.followup"][0]["content"] == "电话沟通报价"
    users = data["entities"]["accounts.user"]
    assert any(u["username"] == tenant_a.boss_username for u in users) and all("password" not in u for u in users)

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(zf.read("customers.customer.xlsx")), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert "北京华兴科技有限公司" in rows[1] and len(rows) == 2
    owner = rows[0].index("Owner")  # the owner's name next to the "Owner (ID)" column
    assert rows[1][owner] == str(boss_a) and rows[1][rows[0].index("Owner (ID)")] == boss_a.pk
    assert export.counts["customers.customer"] == 1 and export.counts["files"] == 1
    # Rows pointing at a customer or contact have its name beside the id (looked up per chunk).
    followups = list(load_workbook(io.BytesIO(zf.read("activities.followup.xlsx")), read_only=True
                                   ).active.iter_rows(values_only=True))
    assert followups[1][followups[0].index("Customer")] == "北京华兴科技有限公司"
    assert followups[1][followups[0].index("Customer (ID)")] == data["entities"]["customers.customer"][0]["id"]


def test_the_archive_is_in_the_bosss_language(eager, company_a, tenant_a, boss_a):
    from saas_core.exports import services

    with in_tenant(tenant_a):
        export = services.start(boss_a, language="zh-hans")
        export = services.build(export.pk)
        from django.core.files.storage import default_storage

        zf = zipfile.ZipFile(default_storage.open(export.file))
    from openpyxl import load_workbook

    header = next(load_workbook(io.BytesIO(zf.read("customers.customer.xlsx")), read_only=True).active.iter_rows(
        values_only=True))
    assert any("客户" in str(cell) for cell in header)


def test_the_progress_is_polled_and_one_export_runs_at_a_time(client_for, tenant_a, boss_a):
    from saas_core.exports import services

    boss = client_for(tenant_a, boss_a)
    with in_tenant(tenant_a):
        export = services.start(boss_a)  # queued; no worker picks it up in this test
    page = boss.get("/company/export/").content.decode()
    assert f'hx-get="/company/export/{export.token}/progress/"' in page and 'hx-trigger="every 2s"' in page
    again = boss.post("/company/export/start/", follow=True).content.decode()
    assert "An export is already being built" in again
    api = boss.post("/api/v1/company/export/")
    assert api.status_code == 409 and "already being built" in api.json()["detail"]
    with in_tenant(tenant_a):
        CompanyExport.objects.filter(pk=export.pk).update(progress=40, step="Contacts")
    row = boss.get(f"/company/export/{export.token}/progress/").content.decode()
    assert "40%" in row and "Contacts" in row and "hx-trigger" in row
    with in_tenant(tenant_a):
        services.build(export.pk)
    row = boss.get(f"/company/export/{export.token}/progress/").content.decode()
    assert "hx-trigger" not in row and 'data-status="done"' in row  # polling stops


def test_the_api_starts_reports_and_downloads(eager, company_a, client_for, tenant_a, boss_a,
                                               django_capture_on_commit_callbacks):
    api = client_for(tenant_a, boss_a)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post("/api/v1/company/export/")
    assert started.status_code == 202
    token = started.json()["token"]
    detail = api.get(f"/api/v1/company/export/{token}/").json()
    assert detail["status"] == "done" and detail["download_url"] == f"/api/v1/company/export/{token}/download/"
    assert detail["counts"]["customers.customer"] == 1
    assert [e["token"] for e in api.get("/api/v1/company/export/").json()] == [token]
    zf = archive(api.get(detail["download_url"]))
    assert "customers.customer.xlsx" in zf.namelist()


def test_only_the_boss_may_export_or_download(eager, company_a, client_for, tenant_a, boss_a, make_user):
    from saas_core.exports import services

    with in_tenant(tenant_a):
        export = services.build(services.start(boss_a).pk)
    for role in (Role.DIRECTOR, Role.MANAGER, Role.SALES):
        other = client_for(tenant_a, make_user(tenant_a, role=role))
        assert other.get("/company/export/").status_code == 403
        assert other.post("/company/export/start/").status_code == 403
        assert other.get(f"/company/export/{export.token}/download/").status_code == 403
        assert other.get(f"/api/v1/company/export/{export.token}/download/").status_code == 403
        assert other.post("/api/v1/company/export/").status_code == 403
    assert client_for(tenant_a).get(f"/company/export/{export.token}/download/").status_code == 302  # sign in first


def test_another_companys_boss_cannot_download_it(eager, company_a, client_for, tenant_a, tenant_b, boss_a,
                                                   make_user, media):
    from saas_core.exports import services

    with in_tenant(tenant_a):
        export = services.build(services.start(boss_a).pk)
    boss_b = client_for(tenant_b, make_user(tenant_b, role=Role.BOSS))
    assert boss_b.get(f"/company/export/{export.token}/download/").status_code == 404
    assert boss_b.get(f"/company/export/{export.token}/progress/").status_code == 404
    assert boss_b.get(f"/api/v1/company/export/{export.token}/").status_code == 404
    assert boss_b.get(f"/api/v1/company/export/{export.token}/download/").status_code == 404
    assert boss_b.get("/api/v1/company/export/").json() == []
    # a row forged in B pointing at A's file is refused too
    with in_tenant(tenant_b):
        forged = CompanyExport.objects.create(status="done", in_progress=None, file=export.file,
                                              expires_at=timezone.now() + timedelta(hours=1))
    assert boss_b.get(f"/company/export/{forged.token}/download/").status_code == 403
    # and the file is not under the public media URL's tree of B
    assert export.file.startswith(f"exports/{tenant_a.schema}/")


def test_the_link_expires_and_the_periodic_task_deletes_the_file(eager, company_a, client_for, tenant_a, boss_a,
                                                                  media):
    from saas_core.exports import services, tasks

    with in_tenant(tenant_a):
        export = services.build(services.start(boss_a).pk)
        CompanyExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    path = media / export.file
    assert path.exists()
    boss = client_for(tenant_a, boss_a)
    assert boss.get(f"/company/export/{export.token}/download/").status_code == 404
    tasks.delete_expired_exports_all_tenants.apply().get()
    assert not path.exists()
    with in_tenant(tenant_a):
        export.refresh_from_db()
    assert (export.status, export.file) == ("expired", "")
    assert "No longer available" in boss.get("/company/export/").content.decode()


@pytest.mark.parametrize("status", [Tenant.Status.READ_ONLY, Tenant.Status.CANCELLED])
def test_export_works_while_read_only_or_cancelled(status, eager, company_a, client_for, tenant_a, boss_a,
                                                   django_capture_on_commit_callbacks):
    Tenant.objects.filter(schema_name=tenant_a.schema).update(status=status)
    boss = client_for(tenant_a, boss_a)
    assert boss.post("/customers/new/", {"name": "Blocked"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert boss.post("/company/export/start/").status_code == 302
    with in_tenant(tenant_a):
        export = CompanyExport.objects.get()
    assert export.status == "done"
    assert boss.get(f"/company/export/{export.token}/download/").status_code == 200


def test_a_finished_export_is_not_built_again(eager, company_a, tenant_a, boss_a):
    from saas_core.exports import services

    with in_tenant(tenant_a):
        export = services.build(services.start(boss_a).pk)
        again = services.build(export.pk)
    assert again.file == export.file and again.finished_at == export.finished_at


def test_the_menu_offers_the_export_to_the_boss_only(client_for, tenant_a, boss_a, make_user):
    assert 'data-menu="company_export"' in client_for(tenant_a, boss_a).get("/workbench/").content.decode()
    sales = client_for(tenant_a, make_user(tenant_a, role=Role.SALES))
    assert 'data-menu="company_export"' not in sales.get("/workbench/").content.decode()
