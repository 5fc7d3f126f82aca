"""Exports (what the list shows, with the right permission) and the import API."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from saas_core.customers import services as customer_services
from saas_core.imports import services
from saas_core.imports.models import ImportJob
from tests.conftest import in_tenant
from tests.saas_core.imports.conftest import BAD, GOOD, uploaded, xlsx_bytes

pytestmark = pytest.mark.django_db


def sheet(response) -> list[tuple]:
    data = b"".join(response.streaming_content)
    return [tuple(r) for r in load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def people(tenant_a, boss_a, make_user):
    manager = make_user(tenant_a, username="mgr", name="经理", role="manager")
    sales = make_user(tenant_a, username="li", name="李销售", role="sales")
    with in_tenant(tenant_a):
        customer_services.create_customer(
            by=manager, name="北京华兴科技有限公司", phone="010-62345678", kind="enterprise",
            contact={"name": "张伟", "mobile": "13812345678", "title": "采购经理"}, check_permission=False,
        )
        customer_services.create_customer(by=manager, name="杭州云帆网络有限公司", check_permission=False)
        customer_services.create_customer(by=sales, name="李销售的客户有限公司", check_permission=False)
    return {"boss": boss_a, "manager": manager, "sales": sales}


def test_export_contains_the_filtered_list(tenant_a, people, client_for):
    response = client_for(tenant_a, people["boss"]).get("/imports/export/customers.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    rows = sheet(response)
    header = rows[0]
    assert header[:2] == ("Customer number", "Customer name")
    names = {r[1] for r in rows[1:]}
    assert names == {"北京华兴科技有限公司", "杭州云帆网络有限公司", "李销售的客户有限公司"}
    huaxing = next(r for r in rows[1:] if r[1] == "北京华兴科技有限公司")
    assert huaxing[header.index("Contact name")] == "张伟" and huaxing[header.index("Mobile")] == "13812345678"
    assert huaxing[header.index("Owner")] == "经理" and huaxing[header.index("Phone")] == "010-62345678"
    # the list's own filters: quick search (pinyin initials), and sorting
    found = sheet(client_for(tenant_a, people["boss"]).get("/imports/export/customers.xlsx?q=bjhx"))
    assert [r[1] for r in found[1:]] == ["北京华兴科技有限公司"]
    by_name = sheet(client_for(tenant_a, people["boss"]).get("/imports/export/customers.xlsx?sort=name"))
    assert [r[1] for r in by_name[1:]] == sorted(names)


def test_export_only_contains_what_the_user_may_see(tenant_a, people, client_for):
    from saas_core.org.models import RoleSetting

    with in_tenant(tenant_a):  # give Sales the export action and the right, keep its scope "self"
        setting = RoleSetting.objects.get(role="sales")
        setting.permissions = {**setting.permissions, "customers": ["view", "create", "edit", "export"]}
        setting.rights = {**(setting.rights or {}), "export_excel": True}
        setting.save()
    rows = sheet(client_for(tenant_a, people["sales"]).get("/imports/export/customers.xlsx"))
    assert [r[1] for r in rows[1:]] == ["李销售的客户有限公司"]


def test_export_needs_the_export_action_and_the_export_excel_right(tenant_a, people, client_for):
    from saas_core.org.models import RoleSetting

    sales = client_for(tenant_a, people["sales"])
    response = sales.get("/imports/export/customers.xlsx")
    assert response.status_code == 403 and b"may not export customers" in response.content
    with in_tenant(tenant_a):
        setting = RoleSetting.objects.get(role="sales")
        setting.permissions = {**setting.permissions, "customers": ["view", "export"]}
        setting.rights = {**(setting.rights or {}), "export_excel": False}
        setting.save()
    response = client_for(tenant_a, people["sales"]).get("/imports/export/customers.xlsx")
    assert response.status_code == 403 and b"export to excel" in response.content.lower()
    # the manager holds both by default
    assert client_for(tenant_a, people["manager"]).get("/imports/export/customers.xlsx").status_code == 200


def test_contacts_export(tenant_a, people, client_for):
    rows = sheet(client_for(tenant_a, people["boss"]).get("/imports/export/contacts.xlsx"))
    assert rows[0][:3] == ("Customer number", "Customer name", "Contact name")
    assert [(r[1], r[2], r[4]) for r in rows[1:]] == [("北京华兴科技有限公司", "张伟", "采购经理")]
    assert rows[1][rows[0].index("Primary contact")] == "✓"


def test_customers_exporter_view_for_customers_urls(tenant_a, people, rf):
    """exporters.export_customers is the view customers.urls mounts at /customers/export.xlsx."""
    from saas_core.customers.exporters import export_customers

    request = rf.get("/customers/export.xlsx", {"q": "云帆"})
    request.user = people["boss"]
    with in_tenant(tenant_a):
        response = export_customers(request)
    assert [r[1] for r in sheet(response)[1:]] == ["杭州云帆网络有限公司"]


def test_an_export_can_be_imported_back(tenant_a, people, client_for):
    data = b"".join(client_for(tenant_a, people["boss"]).get("/imports/export/customers.xlsx").streaming_content)
    with in_tenant(tenant_a):
        job = uploaded(by=people["boss"], kind="customers", upload=data, filename="export.xlsx")
        for key in ("name", "number", "kind", "status", "phone", "owner", "contact_name", "contact_mobile"):
            assert key in job.mapping, key
        job = services.start(job, by=people["boss"], enqueue=False)
        job = services.run_job(job.pk)
        assert (job.imported, job.skipped, job.rejected) == (0, 3, 0)


# --- API ------------------------------------------------------------------------------------------


def test_api_upload_status_issues_and_report(tenant_a, boss_a, client_for, django_capture_on_commit_callbacks, monkeypatch):
    sent, read = [], []
    monkeypatch.setattr(services, "enqueue_job", lambda job: sent.append(job.pk))
    monkeypatch.setattr(services, "enqueue_read", lambda job: read.append(job.pk))
    api = client_for(tenant_a, boss_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports/", {
            "file": SimpleUploadedFile("customers.xlsx", xlsx_bytes(GOOD + BAD)), "duplicate_mode": "skip",
        })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "reading" and body["headers"] == [] and read == [body["id"]] and sent == []
    assert api.get(f"/api/v1/imports/{body['id']}/preview/").status_code == 409
    with in_tenant(tenant_a), django_capture_on_commit_callbacks(execute=True):
        services.read_file(body["id"])  # what the worker does: read, propose the mapping, queue (start=true)
    body = api.get(f"/api/v1/imports/{body['id']}/").json()
    assert body["status"] == "queued" and body["mapping"]["name"] == 0 and sent == [body["id"]]
    with in_tenant(tenant_a):
        services.run_job(body["id"])  # what the worker does
    status = api.get(f"/api/v1/imports/{body['id']}/").json()
    assert (status["status"], status["imported"], status["rejected"], status["progress"], status["has_report"]) == (
        "done", 3, 5, 100, True,
    )
    issues = api.get(f"/api/v1/imports/{body['id']}/issues/").json()
    assert issues["count"] == 5 and issues["results"][0]["row_number"] == 5
    assert issues["results"][0]["reasons"] == ["Customer name: this column is required."]
    report = api.get(f"/api/v1/imports/{body['id']}/report/")
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(sheet(report)) == 6
    listed = api.get("/api/v1/imports/").json()
    assert [j["id"] for j in listed["results"]] == [body["id"]]


def test_api_mapping_preview_and_start(tenant_a, boss_a, client_for):
    api = client_for(tenant_a, boss_a)
    response = api.post("/api/v1/imports/", {
        "file": SimpleUploadedFile("c.csv", "公司,人\n甲公司,王\n".encode("gbk")), "start": "false",
    })
    assert response.status_code == 201
    job_id = response.json()["id"]
    with in_tenant(tenant_a):
        services.read_file(job_id)  # the worker
    job = api.get(f"/api/v1/imports/{job_id}/").json()
    assert job["status"] == "pending" and job["encoding"] == "gb18030"
    preview = api.get(f"/api/v1/imports/{job_id}/preview/").json()
    assert preview["columns"][0]["key"] == "name" and preview["rows"][0]["cells"][0]["value"] == "甲公司"
    bad = api.post(f"/api/v1/imports/{job_id}/start/", {"mapping": {"name": 5}}, content_type="application/json")
    assert bad.status_code == 400 and "does not exist" in bad.json()["detail"]
    started = api.post(f"/api/v1/imports/{job_id}/start/", {"mapping": {"name": 0, "contact_name": 1}},
                       content_type="application/json")
    assert started.status_code == 200 and started.json()["status"] == "queued"


def test_the_progress_page_polls_a_status_url(tenant_a, boss_a, client_for):
    client = client_for(tenant_a, boss_a)
    response = client.post("/imports/new/customers/", {
        "file": SimpleUploadedFile("c.xlsx", xlsx_bytes(GOOD + BAD)), "duplicate_mode": "skip",
    })
    assert response.status_code == 302 and response["Location"].endswith("/map/")
    job_id = int(response["Location"].split("/")[2])
    reading = client.get(response["Location"]).content.decode()  # the web request has not read the file
    assert 'data-testid="import-reading"' in reading and "status.json" in reading
    with in_tenant(tenant_a):
        services.read_file(job_id)  # the worker
    mapping = client.get(response["Location"])
    assert mapping.status_code == 200 and b'data-testid="mapping-form"' in mapping.content
    with in_tenant(tenant_a):
        job = ImportJob.objects.get(pk=job_id)
        form = {k: str(v) for k, v in job.mapping.items()} | {"duplicate_mode": "skip"}
    response = client.post(f"/imports/{job_id}/map/", form)
    assert response.status_code == 302 and response["Location"].endswith("/preview/")
    preview = client.get(response["Location"])
    assert preview.status_code == 200 and preview.content.count(b'data-problem="1"') == 5
    response = client.post(f"/imports/{job_id}/preview/")
    assert response.status_code == 302 and response["Location"] == f"/imports/{job_id}/"
    page = client.get(f"/imports/{job_id}/")
    assert b"status.json" in page.content and b'data-testid="progress-bar"' in page.content
    status = client.get(f"/imports/{job_id}/status.json").json()
    assert status["status"] == "queued" and status["progress"] == 0
    time.sleep(0)  # the worker would now run the job
