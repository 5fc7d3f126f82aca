"""/api/v1/customers/{id}/attachments/ and /api/v1/attachments/{id}/: the web pages' rules."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from rest_framework.authtoken.models import Token

from saas_core.attachments import services
from saas_core.attachments.models import Attachment
from saas_core.customers import sharing
from saas_core.records.models import BinEntry
from tests.conftest import api, in_tenant
from tests.saas_core.attachments.conftest import a_file, file_bytes

pytestmark = pytest.mark.django_db


def listing(customer) -> str:
    return f"/api/v1/customers/{customer.pk}/attachments/"


def add(tenant, customer, by, name="报价单.pdf", content=b"%PDF-1.4 quote") -> Attachment:
    with in_tenant(tenant):
        return services.upload(customer, a_file(name, content), by=by)


def test_upload_list_retrieve_describe_download(tenant_a, org, book):
    client = api(tenant_a, org.sales1)
    response = client.post(listing(book.customer), {"file": a_file("合同（盖章版）.pdf"), "description": "正式"},
                           format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "合同（盖章版）.pdf" and body["size"] == 14 and body["content_type"] == "application/pdf"
    assert body["description"] == "正式" and body["uploaded_by"] == {"id": org.sales1.pk, "name": "Sales Sun"}
    assert body["parent"] == {"type": "customer", "id": book.customer.pk}
    assert body["download_url"] == f"http://{tenant_a.host}/api/v1/attachments/{body['id']}/download/"

    page = client.get(listing(book.customer)).json()
    assert page["count"] == 1 and [a["name"] for a in page["results"]] == ["合同（盖章版）.pdf"]
    assert client.get(f"/api/v1/attachments/{body['id']}/").json()["uploaded_at"] == body["uploaded_at"]
    changed = client.patch(f"/api/v1/attachments/{body['id']}/", {"description": "已盖章"}, format="json")
    assert changed.status_code == 200 and changed.json()["description"] == "已盖章"
    assert client.patch(f"/api/v1/attachments/{body['id']}/", {"description": "x" * 501}, format="json").status_code == 400

    download = client.get(f"/api/v1/attachments/{body['id']}/download/")
    assert download.status_code == 200 and file_bytes(download) == b"%PDF-1.4 quote"
    assert download["Content-Disposition"].endswith("filename*=UTF-8''" + quote("合同（盖章版）.pdf", safe=""))
    assert download["X-Content-Type-Options"] == "nosniff"


def test_bad_uploads_are_400_naming_the_problem(tenant_a, org, book, settings):
    settings.ATTACHMENT_MAX_MB = 1
    client = api(tenant_a, org.sales1)
    empty = client.post(listing(book.customer), {"file": a_file("空.txt", b"")}, format="multipart")
    assert empty.status_code == 400
    assert empty.json() == {"detail": "file: “空.txt” is empty; choose a file with content.",
                            "errors": {"file": ["“空.txt” is empty; choose a file with content."]}}
    big = client.post(listing(book.customer), {"file": a_file("大.zip", b"x" * (1024 * 1024 + 1))}, format="multipart")
    assert big.status_code == 400 and "files may be at most 1 MB" in big.json()["detail"]
    missing = client.post(listing(book.customer), {"description": "x"}, format="multipart")
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["file"]
    as_json = client.post(listing(book.customer), {"file": "abc"}, format="json")
    assert as_json.status_code == 415
    with in_tenant(tenant_a):
        assert not Attachment.all_objects.exists()


def test_delete_restore_and_purge_through_the_api(tenant_a, org, book, media, django_capture_on_commit_callbacks):
    att = add(tenant_a, book.customer, org.sales1)
    assert api(tenant_a, org.sales1).delete(f"/api/v1/attachments/{att.pk}/").status_code == 403  # Sales: no delete
    manager = api(tenant_a, org.manager)
    assert manager.delete(f"/api/v1/attachments/{att.pk}/").status_code == 204
    assert manager.get(f"/api/v1/attachments/{att.pk}/").status_code == 404
    assert manager.get(listing(book.customer)).json()["count"] == 0
    with in_tenant(tenant_a):
        entry = BinEntry.objects.get(object_id=att.pk, content_type__model="attachment")
    assert entry.pk in [e["id"] for e in manager.get("/api/v1/recycle-bin/").json()["results"]]
    assert manager.post(f"/api/v1/recycle-bin/{entry.pk}/restore/").status_code == 204
    assert file_bytes(manager.get(f"/api/v1/attachments/{att.pk}/download/")) == b"%PDF-1.4 quote"

    manager.delete(f"/api/v1/attachments/{att.pk}/")
    with in_tenant(tenant_a):
        entry = BinEntry.objects.get(object_id=att.pk, content_type__model="attachment")
    with django_capture_on_commit_callbacks(execute=True):
        assert api(tenant_a, org.boss).delete(f"/api/v1/recycle-bin/{entry.pk}/").status_code == 204
    assert not (media / att.file.name).exists()


def test_refusals_follow_the_customer(tenant_a, org, book):
    att = add(tenant_a, book.customer, org.sales1)
    with in_tenant(tenant_a):
        sharing.share(book.customer, [org.sales2], "read", by=org.sales1)
    reader = api(tenant_a, org.sales2)
    assert reader.get(listing(book.customer)).json()["count"] == 1
    assert reader.get(f"/api/v1/attachments/{att.pk}/download/").status_code == 200
    refused = reader.post(listing(book.customer), {"file": a_file()}, format="multipart")
    assert refused.status_code == 403 and "You may not change “北京华兴科技有限公司”" in refused.json()["detail"]
    assert reader.patch(f"/api/v1/attachments/{att.pk}/", {"description": "x"}, format="json").status_code == 403

    outsider = api(tenant_a, org.sales_w)
    assert outsider.get(listing(book.customer)).status_code == 404
    assert outsider.post(listing(book.customer), {"file": a_file()}, format="multipart").status_code == 404
    assert outsider.get(f"/api/v1/attachments/{att.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/attachments/{att.pk}/download/").status_code == 404
    assert outsider.delete(f"/api/v1/attachments/{att.pk}/").status_code == 403  # Sales may not delete at all
    west = add(tenant_a, book.other, org.sales_w)
    assert api(tenant_a, org.manager).delete(f"/api/v1/attachments/{west.pk}/").status_code == 404  # East's manager
    assert outsider.get("/api/v1/attachments/abc/").status_code == 404

    maintainer = api(tenant_a, org.maintainer)
    denied = maintainer.get(f"/api/v1/attachments/{att.pk}/download/")
    assert denied.status_code == 403 and "may not view attachments" in denied.json()["detail"]
    assert api(tenant_a).get(listing(book.customer)).status_code == 401
    with in_tenant(tenant_a):
        assert Attachment.objects.get(pk=att.pk).description == "" and Attachment.objects.count() == 2


def test_another_company_gets_404_and_cannot_upload(tenant_a, tenant_b, org, book):
    from saas_core.accounts.models import User

    att = add(tenant_a, book.customer, org.sales1, content=b"A-secret")
    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    client = api(tenant_b, boss_b)
    download = client.get(f"/api/v1/attachments/{att.pk}/download/")
    assert download.status_code == 404 and b"A-secret" not in download.content
    assert client.get(f"/api/v1/attachments/{att.pk}/").status_code == 404
    assert client.delete(f"/api/v1/attachments/{att.pk}/").status_code == 404
    assert client.get(listing(book.customer)).status_code == 404
    assert client.post(listing(book.customer), {"file": a_file()}, format="multipart").status_code == 404
    # B's session on A's host is no one.
    assert client.get(f"/api/v1/attachments/{att.pk}/download/", HTTP_HOST=tenant_a.host).status_code in (401, 403)
    with in_tenant(tenant_b):
        token = Token.objects.create(user=boss_b).key
    stranger = api(tenant_a)
    stranger.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert stranger.get(f"/api/v1/attachments/{att.pk}/download/").status_code == 401
    assert stranger.post(listing(book.customer), {"file": a_file()}, format="multipart").status_code == 401
    with in_tenant(tenant_a):
        assert Attachment.objects.count() == 1
    with in_tenant(tenant_b):
        assert not Attachment.all_objects.exists()
