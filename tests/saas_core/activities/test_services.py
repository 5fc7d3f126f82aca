"""Follow-ups, tasks, reminders, daily reports and care through the services (ACT-01..03, CUS-10)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saas_core.activities import care, delivery, reports, services
from saas_core.activities.models import DailyReport, Notification, Reminder, Task
from saas_core.customers.models import Customer
from saas_core.customers.services import save_contact
from saas_core.dictionaries.models import DictionaryItem
from tests.conftest import in_tenant
from tests.saas_core.activities.conftest import add

pytestmark = pytest.mark.django_db


def test_a_follow_up_moves_the_customers_last_contact_forward_only(org, tenant_a):
    customer = add(tenant_a, org.sales1, "杭州云帆网络科技有限公司")
    with in_tenant(tenant_a):
        at = timezone.now() - timedelta(hours=2)
        services.save_followup(None, by=org.sales1, customer=customer, subject="电话沟通报价", happened_at=at,
                               next_on=timezone.localdate() + timedelta(days=3))
        customer.refresh_from_db()
        assert customer.last_contact_at == at
        assert customer.next_contact_at is not None
        # an older follow-up entered late does not move it back
        services.save_followup(None, by=org.sales1, customer=customer, subject="上周拜访", happened_at=at - timedelta(days=7))
        customer.refresh_from_db()
        assert customer.last_contact_at == at


def test_follow_up_rules_name_the_field(org, tenant_a):
    customer = add(tenant_a, org.sales1, "宁波海港物流有限公司")
    other = add(tenant_a, org.sales_w, "Someone else's customer")
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as future:
            services.save_followup(None, by=org.sales1, customer=customer, subject="x",
                                   happened_at=timezone.now() + timedelta(days=1))
        assert "happened_at" in future.value.message_dict
        with pytest.raises(ValidationError) as unseen:
            services.save_followup(None, by=org.sales1, customer=other, subject="x")
        assert "customer" in unseen.value.message_dict
        with pytest.raises(PermissionDenied):
            services.save_followup(None, by=org.maintainer, customer=customer, subject="x")


def test_windows_followed_and_due(org, tenant_a):
    customer = add(tenant_a, org.sales1, "Window Test Co")
    with in_tenant(tenant_a):
        today = timezone.localdate()
        now = timezone.now()
        this_morning = services.save_followup(None, by=org.sales1, customer=customer, subject="today", happened_at=now,
                                              next_on=today)
        long_ago = services.save_followup(None, by=org.sales1, customer=customer, subject="old",
                                          happened_at=now - timedelta(days=40), next_on=today + timedelta(days=60))
        rows = services.followups_for(org.sales1)

        def subjects(view, **kw):
            return set(services.followup_window(rows, view, **kw).values_list("subject", flat=True))

        assert subjects("followed_today") == {"today"}
        assert subjects("followed_month") == {"today"}
        assert subjects("due_today") == {"today"}
        assert subjects("", start=today - timedelta(days=41), end=today - timedelta(days=39)) == {"old"}
        assert subjects("", start=today + timedelta(days=59), end=today + timedelta(days=61), field="next") == {"old"}
        assert {this_morning.pk, long_ago.pk} == set(rows.values_list("pk", flat=True))
        # a colleague in another team does not see them; the manager of sales1 does
        assert not services.followups_for(org.sales_w).exists()
        assert services.followups_for(org.manager).count() == 2


def _task(by, **fields):
    start = timezone.now() + timedelta(hours=2)
    fields.setdefault("title", "拜访客户")
    return services.create_task(by=by, starts_at=start, ends_at=start + timedelta(hours=1), **fields)


def test_task_hand_over_done_and_confirm(org, tenant_a):
    with in_tenant(tenant_a):
        task = _task(org.manager, assignees=[org.sales1], remind_at=timezone.now() + timedelta(hours=1))
        assert list(Reminder.objects.filter(task=task).values_list("user_id", flat=True)) == [org.sales1.pk]
        assert Notification.objects.filter(user=org.sales1, title__contains="assigned you").exists()
        # sales2 cannot see it yet; after the hand-over they can, and the reminder follows
        assert not services.tasks_for(org.sales2).filter(pk=task.pk).exists()
        with pytest.raises(PermissionDenied):
            services.hand_over(task, by=org.sales2, to=org.sales1)
        services.hand_over(task, by=org.sales1, to=org.sales2, note="我出差")
        assert services.tasks_for(org.sales2).filter(pk=task.pk).exists()
        assert list(Reminder.objects.filter(task=task).values_list("user_id", flat=True)) == [org.sales2.pk]
        with pytest.raises(ValidationError):
            services.hand_over(task, by=org.sales2, to=org.sales2)
        with pytest.raises(PermissionDenied):
            services.mark_done(task, by=org.sales1)
        services.mark_done(task, by=org.sales2)
        task.refresh_from_db()
        assert task.status == Task.Status.DONE
        assert Notification.objects.filter(user=org.manager, title__contains="please confirm").exists()
        with pytest.raises(PermissionDenied):
            services.confirm(task, by=org.sales2)
        services.confirm(task, by=org.manager)
        task.refresh_from_db()
        assert task.status == Task.Status.CONFIRMED and task.confirmed_at


def test_several_assignees_all_finish_before_confirmation(org, tenant_a):
    with in_tenant(tenant_a):
        task = _task(org.manager, assignees=[org.sales1, org.sales2])
        services.mark_done(task, by=org.sales1)
        task.refresh_from_db()
        assert task.status == Task.Status.OPEN
        services.mark_done(task, by=org.sales2)
        task.refresh_from_db()
        assert task.status == Task.Status.DONE
        services.send_back(task, by=org.manager, note="再确认一下")
        task.refresh_from_db()
        assert task.status == Task.Status.OPEN


def test_calendar_mine_team_and_scope(org, tenant_a):
    with in_tenant(tenant_a):
        mine = _task(org.sales1, title="sales1 schedule", kind="schedule")
        theirs = _task(org.sales2, title="sales2 schedule", kind="schedule")
        far = _task(org.sales_w, title="west schedule")
        day = timezone.localtime(mine.starts_at).date()
        week = services.week_of(day)

        def titles(user, who):
            return {i.title for i in services.calendar_items(user, *week, who=who) if i.kind != "followup"}

        assert titles(org.sales1, "me") == {"sales1 schedule"}
        assert titles(org.sales1, "team") == {"sales1 schedule"}  # a salesperson's scope is themselves
        # the manager's scope is their department (East), the director's the whole Sales subtree
        assert titles(org.manager, "team") == {"sales1 schedule"}
        assert titles(org.manager, str(org.sales1.pk)) == {"sales1 schedule"}
        assert titles(org.manager, str(org.sales_w.pk)) == set()  # outside the scope: their own (none)
        assert titles(org.director, "team") == {"sales1 schedule", "sales2 schedule", "west schedule"}
        assert titles(org.director, str(org.sales2.pk)) == {theirs.title}
        assert far.title not in titles(org.sales2, "team")


def test_delivery_is_exactly_once_and_emails_are_sent(org, tenant_a, mailbox):
    with in_tenant(tenant_a):
        due = timezone.now() - timedelta(seconds=5)
        services.add_reminders([
            Reminder(user=org.sales1, remind_at=due, source="task", key=f"t:{i}", title=f"Call back {i}", url="/x/")
            for i in range(3)
        ] + [Reminder(user=org.sales2, remind_at=due + timedelta(days=1), source="task", key="later", title="Later")])
        first = delivery.run()
        second = delivery.run()
        assert first == {"notified": 3, "emailed": 3, "texted": 0}
        assert second == {"notified": 0, "emailed": 0, "texted": 0}
        assert Notification.objects.filter(user=org.sales1, reminder__isnull=False).count() == 3
        assert not Notification.objects.filter(user=org.sales2).exists()
    assert len(mailbox) == 1  # one person's reminders of one run arrive as one message
    assert mailbox[0]["To"] == org.sales1.email
    assert "Call back 0" in mailbox[0].get_content() and "Call back 2" in mailbox[0].get_content()


def test_a_refused_email_is_retried_later_and_in_app_still_arrives(org, tenant_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with in_tenant(tenant_a):
        services.add_reminders([Reminder(user=org.sales1, remind_at=timezone.now(), source="task", key="r",
                                         title="Visit")])
        result = delivery.run()
        assert result == {"notified": 1, "emailed": 0, "texted": 0}
        row = Reminder.objects.get(key="r").deliveries.get()
        assert row.state == "pending" and row.attempts == 1 and row.error and row.lease_until > timezone.now()


def test_daily_report_draft_submit_and_lock(org, tenant_a):
    customer = add(tenant_a, org.sales1, "Report Co")
    with in_tenant(tenant_a):
        services.save_followup(None, by=org.sales1, customer=customer, subject="介绍产品")
        today = timezone.localdate()
        draft = reports.save_report(by=org.sales1, day=today, summary="", plan="明天拜访")
        assert draft.status == DailyReport.Status.DRAFT
        assert [f["subject"] for f in draft.activity["followups"]] == ["介绍产品"]
        assert [c["name"] for c in draft.activity["new_customers"]] == ["Report Co"]
        with pytest.raises(ValidationError) as empty:
            reports.save_report(by=org.sales1, day=today, summary="", submit=True)
        assert "summary" in empty.value.message_dict
        report = reports.save_report(by=org.sales1, day=today, summary="跟进了两家", plan="明天拜访", submit=True)
        assert report.status == DailyReport.Status.SUBMITTED
        with pytest.raises(ValidationError):
            reports.save_report(by=org.sales1, day=today, summary="改一下")
        with pytest.raises(ValidationError):
            reports.save_report(by=org.sales1, day=today + timedelta(days=1), summary="未来")


def test_unread_markers_and_replies(org, tenant_a):
    with in_tenant(tenant_a):
        report = reports.save_report(by=org.sales1, day=timezone.localdate(), summary="今天", submit=True)

        def unread(user):
            return list(reports.with_unread(reports.reports_for(user), user).filter(unread=True).values_list("pk", flat=True))

        assert unread(org.manager) == [report.pk]
        assert unread(org.sales1) == []
        assert report not in reports.reports_for(org.sales_w)
        reports.mark_seen(report, org.manager)
        assert unread(org.manager) == []
        reports.reply(report, by=org.manager, body="很好，继续")
        assert unread(org.sales1) == [report.pk]  # the author sees the reply as new
        assert unread(org.manager) == []  # one's own reply is not news
        assert Notification.objects.filter(user=org.sales1, title__contains="replied").exists()
        with pytest.raises(PermissionDenied):
            reports.reply(report, by=org.sales_w, body="not my team")


def test_auto_submission_uses_the_company_date(org, tenant_a):
    with in_tenant(tenant_a):
        today = timezone.localdate()
        yesterday = reports.save_report(by=org.sales1, day=today - timedelta(days=1), summary="昨天的草稿")
        current = reports.save_report(by=org.sales2, day=today, summary="今天的草稿")
        assert reports.auto_submit_before(today) == 1
        yesterday.refresh_from_db()
        current.refresh_from_db()
        assert yesterday.status == "submitted" and yesterday.auto_submitted
        assert current.status == "draft"
        assert reports.auto_submit_before(today) == 0
        overview = reports.month_overview(org.manager, yesterday.day.year, yesterday.day.month)
        cells = {u.pk: c for u, c in overview["rows"]}
        assert cells[org.sales1.pk][yesterday.day.day - 1] == "auto"


def test_birthday_and_holiday_reminders_once_a_day(org, tenant_a):
    customer = add(tenant_a, org.sales1, "Care Co")
    with in_tenant(tenant_a):
        today = date(2026, 9, 30)
        save_contact(None, customer=customer, by=org.sales1, name="王芳", birthday=date(1990, 9, 30))
        made = care.ensure_care_reminders(today)
        assert made >= 2  # 王芳's birthday, and National Day tomorrow for every owner
        keys = set(Reminder.objects.values_list("key", flat=True))
        assert any(k.startswith("birthday:") for k in keys)
        assert "holiday:national_day:2026-10-01" in keys
        assert care.ensure_care_reminders(today) == 0
        mid_autumn = DictionaryItem.objects.get(type__key="holiday", key="mid_autumn")
        assert care.holiday_date(mid_autumn, 2026) == date(2026, 9, 25)


def test_care_record_scope(org, tenant_a):
    customer = add(tenant_a, org.sales1, "Care Scope Co")
    with in_tenant(tenant_a):
        record = care.save_care_record(None, by=org.sales1, customer=customer, subject="中秋送月饼")
        assert care.care_records_for(org.manager).filter(pk=record.pk).exists()
        assert not care.care_records_for(org.sales_w).filter(pk=record.pk).exists()
        assert Customer.objects.get(pk=customer.pk).care_records.count() == 1


def test_a_manager_sees_what_their_team_is_assigned_by_others(org, tenant_a):
    with in_tenant(tenant_a):
        task = _task(org.sales_w, title="跨部门协助", assignees=[org.sales1])  # West assigns East's sales1
        assert services.tasks_for(org.manager).filter(pk=task.pk).exists()  # sales1's manager sees it
        assert not services.tasks_for(org.sales2).filter(pk=task.pk).exists()
        week = services.week_of(timezone.localtime(task.starts_at).date())
        assert "跨部门协助" in {i.title for i in services.calendar_items(org.manager, *week, who="team")}


def test_daily_jobs_act_on_the_company_date(org, tenant_a, settings):
    """The hourly per-tenant task submits drafts of days before the company's today, not the server's."""
    from zoneinfo import ZoneInfo

    from saas_core.activities.tasks import daily_jobs
    from tenants.models import Tenant

    Tenant.objects.filter(schema_name=tenant_a.schema).update(time_zone="Pacific/Kiritimati")  # UTC+14
    try:
        with in_tenant(tenant_a):
            company_today = timezone.localdate(timezone=ZoneInfo("Pacific/Kiritimati"))
            with timezone.override(ZoneInfo("Pacific/Kiritimati")):
                earlier = reports.save_report(by=org.sales1, day=company_today - timedelta(days=1), summary="草稿")
                current = reports.save_report(by=org.sales2, day=company_today, summary="今天")
            result = daily_jobs()
            earlier.refresh_from_db()
            current.refresh_from_db()
        assert result["auto_submitted"] == 1
        assert earlier.status == "submitted" and earlier.auto_submitted
        assert current.status == "draft"
    finally:
        Tenant.objects.filter(schema_name=tenant_a.schema).update(time_zone="Asia/Shanghai")


def test_a_task_in_the_recycle_bin_sends_no_reminder(org, tenant_a, mailbox):
    from saas_core.records import bin as recycle_bin

    with in_tenant(tenant_a):
        task = _task(org.manager, assignees=[org.sales1], remind_at=timezone.now() + timedelta(hours=1))
        Reminder.objects.filter(task=task).update(remind_at=timezone.now() - timedelta(seconds=1))
        recycle_bin.trash(task, by=org.manager)
        assert delivery.run() == {"notified": 0, "emailed": 0, "texted": 0}
        assert not Notification.objects.filter(reminder__task=task).exists()
        assert delivery.next_due() is None  # nothing left to wake the tenant for
    assert mailbox == []


def test_notifications_and_reminders_speak_the_recipients_language(org, tenant_a):
    from saas_core.accounts.models import User

    with in_tenant(tenant_a):
        User.objects.filter(pk=org.sales1.pk).update(language="zh-hans")
        org.sales1.refresh_from_db()
        task = _task(org.manager, title="投标", assignees=[org.sales1], remind_at=timezone.now() + timedelta(hours=1))
        assert Notification.objects.get(user=org.sales1).title == f"{org.manager} 给您安排了：投标"
        assert Reminder.objects.get(task=task).title.startswith("提醒：投标")
        services.mark_done(task, by=org.sales1)
        assert Notification.objects.get(user=org.manager).title == "“投标” is done: please confirm"


def test_reminder_emails_speak_each_recipients_language(org, tenant_a, mailbox):
    from saas_core.accounts.models import User

    with in_tenant(tenant_a):
        User.objects.filter(pk=org.sales1.pk).update(language="zh-hans")
        User.objects.filter(pk=org.sales2.pk).update(language="en")
        due = timezone.now() - timedelta(seconds=5)
        services.add_reminders([Reminder(user=user, remind_at=due, source="task", key=f"{user.pk}:{i}", title=f"T{i}")
                                for user in (org.sales1, org.sales2) for i in range(2)])
        delivery.run()
    subjects = {m["To"]: m["Subject"] for m in mailbox}
    assert subjects[org.sales1.email] == "2 条提醒：T0 等"
    assert subjects[org.sales2.email] == "2 reminders: T0, …"
