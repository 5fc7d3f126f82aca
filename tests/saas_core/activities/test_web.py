"""The activities pages end to end through the test client (ACT-01..03, CUS-10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from saas_core.activities import reports, services
from saas_core.activities.models import DailyReport, FollowUp, Task
from saas_core.customers.models import Customer
from tests.conftest import in_tenant
from tests.saas_core.activities.conftest import add

pytestmark = pytest.mark.django_db


def test_follow_up_from_the_360_view_updates_last_contact(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "上海明达贸易有限公司")
    c = client_for(tenant_a, org.sales1)
    page = c.get(f"/customers/{customer.pk}/", {"tab": "followups"})
    assert page.status_code == 200 and 'data-testid="followup-form"' in page.content.decode()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = c.post(f"/activities/followups/new/?customer={customer.pk}", {
        "subject": "电话确认需求", "content": "客户需要报价", "happened_at": now,
        "next_on": (timezone.localdate() + timedelta(days=2)).isoformat(), "next": f"/customers/{customer.pk}/",
    })
    assert response.status_code == 302 and response.url == f"/customers/{customer.pk}/"
    page = c.get(f"/customers/{customer.pk}/", {"tab": "followups"}).content.decode()
    assert "电话确认需求" in page
    with in_tenant(tenant_a):
        assert Customer.objects.get(pk=customer.pk).last_contact_at is not None
    bad = c.post(f"/activities/followups/new/?customer={customer.pk}", {"subject": "", "happened_at": now})
    assert bad.status_code == 200 and 'data-error-for="subject"' in bad.content.decode()


def test_follow_up_list_windows_and_custom_range(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "List Window Co")
    with in_tenant(tenant_a):
        services.save_followup(None, by=org.sales1, customer=customer, subject="today call",
                               next_on=timezone.localdate())
        services.save_followup(None, by=org.sales1, customer=customer, subject="old visit",
                               happened_at=timezone.now() - timedelta(days=45))
    c = client_for(tenant_a, org.sales1)
    assert "today call" in c.get("/activities/followups/?view=followed_today").content.decode()
    assert "old visit" not in c.get("/activities/followups/?view=followed_month").content.decode()
    assert "today call" in c.get("/activities/followups/?view=due_today").content.decode()
    start = (timezone.localdate() - timedelta(days=50)).isoformat()
    end = (timezone.localdate() - timedelta(days=40)).isoformat()
    window = c.get(f"/activities/followups/?start={start}&end={end}").content.decode()
    assert "old visit" in window and "today call" not in window
    wrong = c.get(f"/activities/followups/?start={end}&end={start}").content.decode()
    assert "must not be before its start" in wrong


def test_task_pages_hand_over_done_confirm(org, tenant_a, client_for):
    manager, s1, s2 = (client_for(tenant_a, u) for u in (org.manager, org.sales1, org.sales2))
    start = timezone.localtime() + timedelta(days=1)
    response = manager.post("/activities/tasks/new/", {
        "kind": "task", "title": "准备投标文件", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "assignees": [org.sales1.pk],
    })
    assert response.status_code == 302
    with in_tenant(tenant_a):
        task = Task.objects.get(title="准备投标文件")
    assert s2.get(f"/activities/tasks/{task.pk}/").status_code == 404
    assert "准备投标文件" in s1.get("/activities/tasks/").content.decode()
    s1.post(f"/activities/tasks/{task.pk}/hand-over/", {"to": org.sales2.pk, "note": "交给你"})
    assert s2.get(f"/activities/tasks/{task.pk}/").status_code == 200
    assert s1.get(f"/activities/tasks/{task.pk}/").status_code == 404  # no longer theirs, out of their scope
    s2.post(f"/activities/tasks/{task.pk}/done/")
    page = manager.get(f"/activities/tasks/{task.pk}/").content.decode()
    assert 'data-testid="confirm-task"' in page
    manager.post(f"/activities/tasks/{task.pk}/confirm/")
    with in_tenant(tenant_a):
        assert Task.objects.get(pk=task.pk).status == "confirmed"
    assert "交给你" in s2.get("/activities/notifications/").content.decode()


def test_calendar_views_render_items(org, tenant_a, client_for):
    with in_tenant(tenant_a):
        start = timezone.now() + timedelta(hours=1)
        services.create_task(by=org.sales1, kind="schedule", title="拜访客户A", starts_at=start,
                             ends_at=start + timedelta(hours=1))
    c = client_for(tenant_a, org.sales1)
    day = timezone.localtime(start).date().isoformat()
    for view in ("month", "week", "day"):
        page = c.get(f"/activities/calendar/?view={view}&date={day}").content.decode()
        assert f'data-testid="calendar-{view}"' in page and "拜访客户A" in page, view
    assert "拜访客户A" not in client_for(tenant_a, org.sales_w).get(
        f"/activities/calendar/?view=week&date={day}&who=team").content.decode()


def test_daily_report_write_submit_reply_and_unread(org, tenant_a, client_for):
    s1, manager = client_for(tenant_a, org.sales1), client_for(tenant_a, org.manager)
    today = timezone.localdate().isoformat()
    s1.post(f"/activities/reports/write/{today}/", {"summary": "", "plan": "明天拜访", "draft": "1"})
    with in_tenant(tenant_a):
        report = DailyReport.objects.get(author=org.sales1)
        assert report.status == "draft"
    assert f"/activities/reports/{report.pk}/" not in manager.get("/activities/reports/").content.decode()
    response = s1.post(f"/activities/reports/write/{today}/", {"summary": "拜访了两家客户", "plan": "明天拜访", "submit": "1"})
    assert response.status_code == 302
    home = manager.get("/activities/reports/").content.decode()
    assert 'data-unread="1"' in home and 'data-testid="reports-unread"' in home
    manager.get(f"/activities/reports/{report.pk}/")
    assert 'data-testid="reports-unread"' not in manager.get("/activities/reports/").content.decode()
    manager.post(f"/activities/reports/{report.pk}/reply/", {"body": "不错"})
    assert 'data-testid="reports-unread"' in s1.get("/activities/reports/").content.decode()
    assert "不错" in s1.get(f"/activities/reports/{report.pk}/").content.decode()
    month = manager.get("/activities/reports/month/").content.decode()
    assert 'data-cell="submitted"' in month
    with in_tenant(tenant_a):
        assert reports.unread_count(org.sales1) == 0


def test_care_page_and_delete_goes_to_the_bin(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "Care Page Co")
    c = client_for(tenant_a, org.sales1)
    response = c.post(f"/activities/care/new/?customer={customer.pk}", {"subject": "生日送花",
                                                                         "day": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert "生日送花" in c.get("/activities/care/").content.decode()
    assert "生日送花" in c.get(f"/customers/{customer.pk}/", {"tab": "followups"}).content.decode()
    manager = client_for(tenant_a, org.manager)
    with in_tenant(tenant_a):
        followup = services.save_followup(None, by=org.sales1, customer=customer, subject="to delete")
    assert manager.get(f"/activities/followups/{followup.pk}/delete/").status_code == 200  # asks first
    manager.post(f"/activities/followups/{followup.pk}/delete/")
    with in_tenant(tenant_a):
        assert not FollowUp.objects.filter(pk=followup.pk).exists()
        assert FollowUp.all_objects.get(pk=followup.pk).deleted_at is not None


def test_menu_and_workbench(org, tenant_a, client_for):
    page = client_for(tenant_a, org.sales1).get("/workbench/").content.decode()
    for entry in ("followups", "tasks", "calendar", "daily_reports", "care", "notifications"):
        assert f'data-menu="{entry}"' in page, entry
    assert 'data-testid="activities-panel"' in page
    assert 'data-menu="followups"' not in client_for(tenant_a, org.maintainer).get("/workbench/").content.decode()


def test_the_bell_in_the_top_bar_counts_unread_notifications(org, tenant_a, client_for):
    from saas_core.activities.models import Notification

    client = client_for(tenant_a, org.sales1)
    assert 'data-testid="bell-count"' not in client.get("/customers/").content.decode()
    with in_tenant(tenant_a):
        for i in range(2):
            Notification.objects.create(user=org.sales1, title=f"Note {i}", created_at=timezone.now())
        Notification.objects.create(user=org.sales2, title="Not mine", created_at=timezone.now())
    page = client.get("/customers/").content.decode()
    assert 'data-testid="bell-count">2<' in page and "2 unread notifications" in page
    client.post("/activities/notifications/read/")
    assert 'data-testid="bell-count"' not in client.get("/customers/").content.decode()


def test_the_activities_address_opens_the_tasks(org, tenant_a, client_for):
    response = client_for(tenant_a, org.sales1).get("/activities/")
    assert response.status_code == 302 and response["Location"] == "/activities/tasks/"


def test_yesterdays_unread_reports_are_listed_on_todays_page(org, tenant_a, client_for):
    with in_tenant(tenant_a):
        earlier = reports.save_report(by=org.sales1, day=timezone.localdate() - timedelta(days=1), summary="昨天的总结",
                                      submit=True)
    manager = client_for(tenant_a, org.manager)
    home = manager.get("/activities/reports/").content.decode()
    unread = home[home.index('data-testid="unread-reports"'):]
    assert f"/activities/reports/{earlier.pk}/" in unread[:unread.index("</div>")] and "昨天的总结" in unread
    manager.get(f"/activities/reports/{earlier.pk}/")
    assert 'data-testid="unread-reports"' not in manager.get("/activities/reports/").content.decode()
    assert 'data-testid="unread-reports"' not in client_for(tenant_a, org.sales2).get("/activities/reports/").content.decode()


def test_the_task_list_names_the_assignees(org, tenant_a, client_for):
    with in_tenant(tenant_a):
        services.create_task(by=org.manager, kind="task", title="整理资料", starts_at=timezone.now(),
                             ends_at=timezone.now() + timedelta(hours=2), assignees=[org.sales1, org.sales2])
    page = client_for(tenant_a, org.manager).get("/activities/tasks/?show=created").content.decode()
    row = page[page.index('data-testid="task-row"'):]
    row = row[:row.index("</tr>")]
    assert f"{org.sales1}, {org.sales2}" in row or f"{org.sales2}, {org.sales1}" in row


def test_the_workbench_counts_unread_notifications_once(org, tenant_a, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from saas_core.activities.models import Notification

    with in_tenant(tenant_a):
        Notification.objects.create(user=org.sales1, title="Note", created_at=timezone.now())
    client = client_for(tenant_a, org.sales1)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/workbench/").content.decode()
    counts = [q["sql"] for q in queries.captured_queries
              if "count(*)" in q["sql"].lower() and "activities_notification" in q["sql"]]
    assert len(counts) == 1, counts
    assert 'data-testid="bell-count">1<' in page and 'data-testid="unread-notifications">1<' in page


def test_a_new_task_starts_at_the_next_whole_hour_unless_a_day_is_given(org, tenant_a, client_for):
    """The start is required: an empty one tripped a new company's Boss (issue 14's first hour)."""
    import re

    client = client_for(tenant_a, org.sales1)
    html = client.get("/activities/tasks/new/").content.decode()
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    assert re.search(rf'name="starts_at"[^>]*value="{start:%Y-%m-%dT%H:%M}"', html)
    assert re.search(rf'name="ends_at"[^>]*value="{start + timedelta(hours=1):%Y-%m-%dT%H:%M}"', html)
    day = client.get("/activities/tasks/new/?day=2027-03-01").content.decode()
    assert re.search(r'name="starts_at"[^>]*value="2027-03-01T09:00"', day)


def test_a_follow_up_from_a_customer_with_one_contact_is_with_that_contact(org, tenant_a, client_for):
    """The contact select started at "please choose" though the customer had one contact (issue 14)."""
    import re

    one = add(tenant_a, org.sales1, "一人公司", contact={"name": "周杰"})
    none = add(tenant_a, org.sales1, "无联系人公司")
    c = client_for(tenant_a, org.sales1)
    html = c.get(f"/activities/followups/new/?customer={one.pk}").content.decode()
    assert re.search(r'<option value="\d+" selected>周杰</option>', html)
    html = c.get(f"/activities/followups/new/?customer={none.pk}").content.decode()
    assert re.search(r'<option value="" selected>', html)
