"""Attachment pages: the 360° panel, upload, download headers, delete → bin → restore/purge, refusals,
tenant isolation."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from saas_core.attachments import services
from saas_core.attachments.models import Attachment
from saas_core.customers import sharing
from saas_core.org.models import RoleSetting
from saas_core.records import bin as recycle_bin
from saas_core.records.models import BinEntry
from tests.conftest import in_tenant
from tests.saas_core.attachments.conftest import a_file, file_bytes

pytestmark = pytest.mark.django_db


def detail(customer) -> str:
    return f"/customers/{customer.pk}/?tab=attachments"  # the tab that loads the attachments panel


def upload_url(customer) -> str:
    return f"/attachments/customer/{customer.pk}/"


def add(tenant, customer, by, name="报价单.pdf", content=b"%PDF-1.4 quote", **kwargs) -> Attachment:
    with in_tenant(tenant):
        return services.upload(customer, a_file(name, content), by=by, **kwargs)


def rows(html: str) -> list[str]:
    return re.findall(r'data-testid="attachment-download">([^<]+)</a>', html)


def test_upload_on_the_360_view_then_it_is_listed_with_size_uploader_and_date(client_for, tenant_a, org, book):
    client = client_for(tenant_a, org.sales1)
    page = client.get(detail(book.customer)).content.decode()
    assert 'data-panel="attachments"' in page and 'data-testid="attachment-upload"' in page
    assert "No attachments yet." in page and "At most 20 MB per file." in page
    response = client.post(upload_url(book.customer), {"file": a_file(), "description": "第一版报价"})
    assert response.status_code == 302 and response["Location"] == detail(book.customer) + "#panel-attachments"
    page = client.get(detail(book.customer)).content.decode()
    assert "“报价单.pdf” has been uploaded." in page
    assert rows(page) == ["报价单.pdf"]
    row = page[page.index('data-testid="attachment-row"'):]
    row = row[: row.index("</tr>")]
    assert "14\xa0bytes" in row and "Sales Sun" in row and "第一版报价" in row
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", row)
    assert 'data-action="delete-attachment"' not in row  # Sales may not delete by default


def test_upload_errors_come_back_in_the_panel(client_for, tenant_a, org, book, settings):
    settings.ATTACHMENT_MAX_MB = 1
    client = client_for(tenant_a, org.sales1)
    response = client.post(upload_url(book.customer), {"file": a_file("空.txt", b"")})
    assert response.status_code == 400
    assert 'data-error-for="file">“空.txt” is empty; choose a file with content.' in response.content.decode()
    response = client.post(upload_url(book.customer), {"file": a_file("大.zip", b"x" * (1024 * 1024 + 5))})
    assert response.status_code == 400
    assert "“大.zip” is 1.0\xa0MB; files may be at most 1 MB." in response.content.decode()
    response = client.post(upload_url(book.customer), {"description": "没有文件"})
    assert response.status_code == 400 and "Choose a file to upload." in response.content.decode()
    assert 'value="没有文件"' in response.content.decode()  # what was typed is kept
    with in_tenant(tenant_a):
        assert not Attachment.all_objects.exists()


def test_download_gives_the_chinese_name_and_never_runs_a_page(client_for, tenant_a, org, book):
    pdf = add(tenant_a, book.customer, org.sales1, "2026年 报价单.pdf")
    page = add(tenant_a, book.customer, org.sales1, "说明.html", b"<script>alert(1)</script>")
    client = client_for(tenant_a, org.sales1)
    response = client.get(f"/attachments/{pdf.pk}/download/")
    assert response.status_code == 200 and file_bytes(response) == b"%PDF-1.4 quote"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"2026 .pdf\"; filename*=UTF-8''{quote('2026年 报价单.pdf', safe='')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    preview = client.get(f"/attachments/{pdf.pk}/download/?inline=1")
    assert preview["Content-Disposition"].startswith("inline;")
    html = client.get(f"/attachments/{page.pk}/download/?inline=1")
    assert html["Content-Type"] == "application/octet-stream"
    assert html["Content-Disposition"].startswith("attachment;") and "sandbox" in html["Content-Security-Policy"]
    assert html["Content-Disposition"].endswith("filename*=UTF-8''" + quote("说明.html", safe=""))


def test_delete_asks_first_then_bin_restore_and_purge(client_for, tenant_a, org, book, media,
                                                     django_capture_on_commit_callbacks):
    att = add(tenant_a, book.customer, org.sales1)
    client = client_for(tenant_a, org.manager)
    page = client.get(detail(book.customer)).content.decode()
    assert f'href="/attachments/{att.pk}/delete/"' in page
    confirm = client.get(f"/attachments/{att.pk}/delete/")
    assert "Move “报价单.pdf” (14\xa0bytes) of “北京华兴科技有限公司” to the recycle bin?" in confirm.content.decode()
    with in_tenant(tenant_a):
        assert Attachment.objects.filter(pk=att.pk).exists()  # asking changes nothing
    response = client.post(f"/attachments/{att.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == detail(book.customer) + "#panel-attachments"
    assert rows(client.get(detail(book.customer)).content.decode()) == []
    assert client.get(f"/attachments/{att.pk}/download/").status_code == 404  # in the bin: no download

    with in_tenant(tenant_a):
        entry = BinEntry.objects.get(object_id=att.pk, content_type__model="attachment")
    bin_page = client.get("/records/bin/").content.decode()
    assert "报价单.pdf" in bin_page and "Attachment" in bin_page
    assert client.post(f"/records/bin/{entry.pk}/restore/").status_code == 302
    assert rows(client.get(detail(book.customer)).content.decode()) == ["报价单.pdf"]
    assert file_bytes(client.get(f"/attachments/{att.pk}/download/")) == b"%PDF-1.4 quote"

    client.post(f"/attachments/{att.pk}/delete/")
    with in_tenant(tenant_a):
        entry = BinEntry.objects.get(object_id=att.pk, content_type__model="attachment")
    boss = client_for(tenant_a, org.boss)
    with django_capture_on_commit_callbacks(execute=True):
        assert boss.post(f"/records/bin/{entry.pk}/purge/").status_code == 302
    with in_tenant(tenant_a):
        assert not Attachment.all_objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_the_bin_shows_an_attachment_to_those_who_may_see_its_customer(client_for, tenant_a, org, book):
    east = add(tenant_a, book.customer, org.sales1, "east.pdf")
    west = add(tenant_a, book.other, org.sales_w, "west.pdf")
    with in_tenant(tenant_a):
        recycle_bin.trash(east, by=org.boss)
        recycle_bin.trash(west, by=org.boss)
        assert {e.label for e in recycle_bin.visible_entries(org.director)} == {"east.pdf", "west.pdf"}
        assert {e.label for e in recycle_bin.visible_entries(org.manager)} == {"east.pdf"}  # East only
        assert recycle_bin.visible_entries(org.sales1) == []  # Sales may not delete, so not restore


def test_a_read_only_sharer_sees_and_downloads_but_cannot_upload(client_for, tenant_a, org, book):
    att = add(tenant_a, book.customer, org.sales1)
    with in_tenant(tenant_a):
        sharing.share(book.customer, [org.sales2], "read", by=org.sales1)
    client = client_for(tenant_a, org.sales2)
    page = client.get(detail(book.customer)).content.decode()
    assert rows(page) == ["报价单.pdf"] and 'data-testid="attachment-upload"' not in page
    assert client.get(f"/attachments/{att.pk}/download/").status_code == 200
    response = client.post(upload_url(book.customer), {"file": a_file("x.pdf")})
    assert response.status_code == 403
    assert "You may not change “北京华兴科技有限公司”" in response.content.decode()
    assert client.post(f"/attachments/{att.pk}/delete/").status_code == 403
    with in_tenant(tenant_a):
        assert Attachment.objects.count() == 1


def test_outside_the_data_scope_everything_is_a_404(client_for, tenant_a, org, book):
    att = add(tenant_a, book.customer, org.sales1)
    client = client_for(tenant_a, org.sales_w)
    assert client.get(f"/attachments/{att.pk}/download/").status_code == 404
    assert client.get(upload_url(book.customer)).status_code == 404
    assert client.post(upload_url(book.customer), {"file": a_file()}).status_code == 404
    assert client.post(f"/attachments/{att.pk}/delete/").status_code == 404
    assert client.get("/attachments/99999999999999999999/download/").status_code == 404
    assert client.get("/attachments/nothing/1/").status_code == 404
    with in_tenant(tenant_a):
        assert Attachment.objects.count() == 1
    anonymous = client_for(tenant_a)
    assert anonymous.get(f"/attachments/{att.pk}/download/")["Location"].startswith("/accounts/login/")


def test_customer_service_needs_the_attachments_section(client_for, tenant_a, org, book):
    att = add(tenant_a, book.customer, org.sales1)
    client = client_for(tenant_a, org.cs)
    assert rows(client.get(detail(book.customer)).content.decode()) == ["报价单.pdf"]
    assert client.get(f"/attachments/{att.pk}/download/").status_code == 200
    with in_tenant(tenant_a):
        setting = RoleSetting.objects.get(role="customer_service")
        setting.customer_sections = ["basic", "contacts"]
        setting.save()
    assert 'data-panel="attachments"' not in client.get(detail(book.customer)).content.decode()
    assert client.get(f"/attachments/{att.pk}/download/").status_code == 404


def test_the_full_list_is_paginated(client_for, tenant_a, org, book):
    for n in range(12):
        add(tenant_a, book.customer, org.sales1, f"第{n:02d}号.pdf")
    client = client_for(tenant_a, org.sales1)
    panel = client.get(detail(book.customer)).content.decode()
    assert len(rows(panel)) == 10 and f'href="{upload_url(book.customer)}" data-testid="all-attachments"' in panel
    first = client.get(upload_url(book.customer) + "?page_size=20").content.decode()
    assert rows(first)[0] == "第11号.pdf" and len(rows(first)) == 12
    assert "12 records" in first
    response = client.post(upload_url(book.customer), {"file": a_file("列表.pdf"), "back": "list"})
    assert response["Location"] == upload_url(book.customer)


def test_another_company_cannot_reach_the_files(client_for, tenant_a, tenant_b, org, book):
    from saas_core.accounts.models import User

    att = add(tenant_a, book.customer, org.sales1, content=b"A-secret")
    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    on_b = client_for(tenant_b, boss_b)
    response = on_b.get(f"/attachments/{att.pk}/download/")
    assert response.status_code == 404 and b"A-secret" not in response.content
    assert on_b.get(upload_url(book.customer)).status_code == 404
    assert on_b.post(upload_url(book.customer), {"file": a_file()}).status_code == 404
    assert on_b.post(f"/attachments/{att.pk}/delete/").status_code == 404
    # B's session means nothing on A's host.
    response = on_b.get(f"/attachments/{att.pk}/download/", HTTP_HOST=tenant_a.host)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = on_b.post(upload_url(book.customer), {"file": a_file()}, HTTP_HOST=tenant_a.host)
    assert response.status_code in (302, 403)
    with in_tenant(tenant_a):
        assert Attachment.objects.count() == 1
    with in_tenant(tenant_b):
        assert not Attachment.all_objects.exists()


def test_the_description_is_edited_on_its_page(client_for, tenant_a, tenant_b, org, book):
    from saas_core.accounts.models import User

    att = add(tenant_a, book.customer, org.sales1, description="第一版")
    client = client_for(tenant_a, org.sales1)
    page = client.get(detail(book.customer)).content.decode()
    assert f'href="/attachments/{att.pk}/edit/"' in page
    form = client.get(f"/attachments/{att.pk}/edit/").content.decode()
    assert "第一版" in form and "报价单.pdf" in form
    too_long = client.post(f"/attachments/{att.pk}/edit/", {"description": "长" * 501})
    assert too_long.status_code == 400 and "at most 500 characters" in too_long.content.decode()
    saved = client.post(f"/attachments/{att.pk}/edit/", {"description": "  第二版，含运费  "})
    assert saved.status_code == 302 and saved["Location"].startswith(detail(book.customer))
    page = client.get(detail(book.customer)).content.decode()
    assert "第二版，含运费" in page and "第一版" not in page
    with in_tenant(tenant_a):
        att.refresh_from_db()
    assert att.description == "第二版，含运费"
    # Read-only sharers, people outside the scope and another company cannot change it.
    with in_tenant(tenant_a):
        sharing.share(book.customer, [org.sales2], "read", by=org.sales1)
    reader = client_for(tenant_a, org.sales2)
    assert f'/attachments/{att.pk}/edit/' not in reader.get(detail(book.customer)).content.decode()
    assert reader.post(f"/attachments/{att.pk}/edit/", {"description": "x"}).status_code == 403
    assert client_for(tenant_a, org.sales_w).post(f"/attachments/{att.pk}/edit/", {"description": "x"}).status_code == 404
    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    assert client_for(tenant_b, boss_b).post(f"/attachments/{att.pk}/edit/", {"description": "x"}).status_code == 404
    with in_tenant(tenant_a):
        att.refresh_from_db()
    assert att.description == "第二版，含运费"
