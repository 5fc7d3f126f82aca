"""Data log (LOG-01): who changed which field from what to what, when; Boss only; read-only."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from saas_core.announcements.models import Announcement
from saas_core.records.history import history_of
from tests.conftest import in_tenant
from tests.recordsapp.models import Project

pytestmark = pytest.mark.django_db

ANNOUNCEMENT = {"title": "春节放假通知", "body": "2月9日至2月17日放假。", "published_at": "2026-01-20T09:00", "expires_at": ""}


def test_edits_through_the_web_app_are_logged_with_user_and_values(client_for, tenant_a, boss_a):
    boss = client_for(tenant_a, boss_a)
    boss.post("/announcements/new/", ANNOUNCEMENT)
    with in_tenant(tenant_a):
        announcement = Announcement.objects.get(title="春节放假通知")
    boss.post(f"/announcements/{announcement.pk}/edit/", {**ANNOUNCEMENT, "title": "春节放假安排", "pinned": "on"})

    page = boss.get(f"/records/announcements.announcement/{announcement.pk}/history/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "春节放假通知" in html and "春节放假安排" in html  # old and new title
    with in_tenant(tenant_a):
        log = history_of(announcement)
    latest = log[0]
    assert latest.user == boss_a and latest.action == "changed"
    assert {(c.field, c.old, c.new) for c in latest.changes} == {
        ("title", "春节放假通知", "春节放假安排"), ("pinned", "no", "yes"),
    }
    assert log[-1].action == "created"


def test_bin_moves_show_in_the_log(tenant_a, boss_a):
    from saas_core.records import bin as recycle_bin

    with in_tenant(tenant_a):
        project = Project.objects.create(name="P", code="X1", owner=boss_a)
        entry = recycle_bin.trash(project, by=boss_a)
        recycle_bin.restore(entry, by=boss_a)
        actions = [e.action for e in history_of(project)]
    assert actions == ["restored", "moved to the recycle bin", "created"]


def test_the_log_cannot_be_edited_even_in_sql(tenant_a, boss_a):
    with in_tenant(tenant_a):
        Project.objects.create(name="P", code="X2", owner=boss_a)
        with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE recordsapp_projectevent SET name = 'forged'")
        with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM recordsapp_projectevent")


def test_only_the_boss_reads_the_log_and_never_across_tenants(client_for, tenant_a, tenant_b, boss_a, make_user):
    with in_tenant(tenant_b):
        from saas_core.accounts.models import User

        boss_b = User.objects.get(username=tenant_b.boss_username)
        other = Project.objects.create(name="B's", code="B1", owner=boss_b)
    with in_tenant(tenant_a):
        mine = Project.objects.create(name="A's", code="A1", owner=boss_a)
    sales = client_for(tenant_a, make_user(tenant_a, role="sales"))
    assert sales.get(f"/records/recordsapp.project/{mine.pk}/history/").status_code == 403
    assert sales.get(f"/api/v1/history/recordsapp.project/{mine.pk}/").status_code == 403
    boss = client_for(tenant_a, boss_a)
    if other.pk != mine.pk:
        assert boss.get(f"/records/recordsapp.project/{other.pk}/history/").status_code == 404
        assert boss.get(f"/api/v1/history/recordsapp.project/{other.pk}/").status_code == 404
    assert boss.get("/records/nosuch.model/1/history/").status_code == 404
    api = boss.get(f"/api/v1/history/recordsapp.project/{mine.pk}/").json()
    assert api[0]["action"] == "created"


def test_dates_in_the_log_are_shown_in_the_readers_time_zone(tenant_a, boss_a):
    from datetime import UTC, datetime

    from django.utils import timezone

    with in_tenant(tenant_a), timezone.override("Asia/Shanghai"):
        announcement = Announcement.objects.create(title="T", body="B", author=boss_a)
        announcement.published_at = datetime(2026, 7, 1, 4, 30, tzinfo=UTC)
        announcement.save()
        change = {c.field: c for c in history_of(announcement)[0].changes}["published"]
    assert change.new == "2026-07-01 12:30"


def test_a_day_only_next_contact_reads_without_an_invented_midnight(tenant_a, boss_a):
    """Issue 14: the log showed "→ 2026-12-10 00:00" for a follow-up planned for a day."""
    from datetime import datetime

    from django.utils import timezone

    from saas_core.customers import services

    with in_tenant(tenant_a), timezone.override("Asia/Shanghai"):
        customer = services.create_customer(by=boss_a, name="日志日期测试")
        day = timezone.make_aware(datetime(2026, 12, 10))
        services.update_customer(customer, by=boss_a, next_contact_at=day)
        services.update_customer(customer, by=boss_a, next_contact_at=day.replace(hour=14, minute=30))
        log = history_of(customer)
    changes = [(c.old, c.new) for e in log for c in e.changes if c.field == "next contact"]
    assert ("2026-12-10", "2026-12-10 14:30") in changes
    assert not any("00:00" in (old + new) for old, new in changes)
