"""Announcements (SYS-02): the Boss posts, staff read on the workbench, the Boss sees who read."""

import pytest

from saas_core.announcements.models import Announcement, AnnouncementRead
from saas_core.records.models import BinEntry
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db

DATA = {"title": "Quarterly meeting", "body": "Friday 3 pm, room 2.", "published_at": "2026-01-20T09:00", "expires_at": ""}


@pytest.fixture
def posted(client_for, tenant_a, boss_a):
    client_for(tenant_a, boss_a).post("/announcements/new/", DATA)
    with in_tenant(tenant_a):
        return Announcement.objects.get(title="Quarterly meeting")


def test_staff_see_it_unread_on_the_workbench_until_they_open_it(client_for, tenant_a, make_user, posted):
    sales = client_for(tenant_a, make_user(tenant_a, role="sales", username="li"))
    workbench = sales.get("/workbench/").content.decode()
    assert "Quarterly meeting" in workbench and "Unread" in workbench
    detail = sales.get(f"/announcements/{posted.pk}/")
    assert "Friday 3 pm" in detail.content.decode()
    sales.get(f"/announcements/{posted.pk}/")  # a second visit keeps the first read time
    with in_tenant(tenant_a):
        assert AnnouncementRead.objects.filter(announcement=posted).count() == 1
    assert "Unread" not in sales.get("/workbench/").content.decode()


def test_boss_sees_who_has_read_it(client_for, tenant_a, boss_a, make_user, posted):
    client_for(tenant_a, make_user(tenant_a, username="li", name="李娜")).get(f"/announcements/{posted.pk}/")
    make_user(tenant_a, username="wang", name="王强")
    page = client_for(tenant_a, boss_a).get(f"/announcements/{posted.pk}/receipts/").content.decode()
    assert 'data-username="li" data-read="1"' in page
    assert 'data-username="wang" data-read="0"' in page


def test_sales_cannot_post_edit_delete_or_read_receipts(client_for, tenant_a, make_user, posted):
    sales = client_for(tenant_a, make_user(tenant_a, role="sales"))
    for url in ("/announcements/new/", f"/announcements/{posted.pk}/edit/", f"/announcements/{posted.pk}/delete/",
                f"/announcements/{posted.pk}/receipts/"):
        assert sales.get(url).status_code == 403, url
    assert sales.post("/api/v1/announcements/", DATA, content_type="application/json").status_code == 403
    assert sales.delete(f"/api/v1/announcements/{posted.pk}/").status_code == 403


def test_delete_goes_to_the_bin_after_confirmation_and_can_be_restored(client_for, tenant_a, boss_a, posted):
    boss = client_for(tenant_a, boss_a)
    assert "recycle bin" in boss.get(f"/announcements/{posted.pk}/delete/").content.decode()
    boss.post(f"/announcements/{posted.pk}/delete/")
    assert f'href="/announcements/{posted.pk}/"' not in boss.get("/announcements/").content.decode()
    bin_page = boss.get("/records/bin/").content.decode()
    assert "Quarterly meeting" in bin_page
    with in_tenant(tenant_a):
        entry = BinEntry.objects.get()
    boss.post(f"/records/bin/{entry.pk}/restore/")
    assert "Quarterly meeting" in boss.get("/announcements/").content.decode()


def test_api_lists_marks_read_and_reports_receipts(client_for, tenant_a, boss_a, make_user, posted):
    sales_user = make_user(tenant_a, role="sales", username="li")
    sales = client_for(tenant_a, sales_user)
    listing = sales.get("/api/v1/announcements/").json()
    assert listing["results"][0]["is_read"] is False
    assert sales.post(f"/api/v1/announcements/{posted.pk}/read/").status_code == 204
    assert sales.get("/api/v1/announcements/").json()["results"][0]["is_read"] is True
    receipts = client_for(tenant_a, boss_a).get(f"/api/v1/announcements/{posted.pk}/receipts/").json()
    assert {r["user_id"]: bool(r["read_at"]) for r in receipts}[sales_user.pk] is True
    bad = client_for(tenant_a, boss_a).post("/api/v1/announcements/", {"title": ""}, content_type="application/json")
    assert bad.status_code == 400 and {"title", "body"} <= set(bad.json()["errors"])


def test_announcements_of_a_are_invisible_in_b(client_for, tenant_a, tenant_b, posted, make_user):
    reader_b = client_for(tenant_b, make_user(tenant_b, role="sales"))
    assert reader_b.get(f"/announcements/{posted.pk}/").status_code == 404
    assert reader_b.get(f"/api/v1/announcements/{posted.pk}/").status_code == 404
    assert "Quarterly meeting" not in reader_b.get("/workbench/").content.decode()
