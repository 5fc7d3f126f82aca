"""Reminders by SMS (ACT-02 with SMS-01): the activities' reminder delivery texts the person
reminded through the SMS module, once, paid from the quota, and fails cleanly when it cannot."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from plugins.sms import sending, services
from plugins.sms.models import SmsMessage, SmsTemplate
from saas_core.accounts.models import Role
from saas_core.activities import delivery
from saas_core.activities import services as activities
from saas_core.activities.models import Delivery, Notification, Reminder
from tests.conftest import in_tenant
from tests.plugins.sms.conftest import gateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tenant_a, boss_a, make_user, sms_a):
    """The Boss (English) and a salesperson (Chinese) with mobiles; SMS on with reminders by SMS,
    development provider."""
    with in_tenant(tenant_a):
        sales = make_user(tenant_a, role=Role.SALES, language="zh-hans")
        for user, mobile, language in ((boss_a, "13900000000", "en"), (sales, "13811112222", "zh-hans")):
            user.mobile, user.language = mobile, language
            user.save(update_fields=["mobile", "language"])
        gateway("development", signature="阿尔法", price_per_part_minor=5, monthly_quota=100, remind_by_sms=True)
    return boss_a, sales


def _due(user, key: str, title: str, seconds_ago: int = 5) -> None:
    activities.add_reminders([Reminder(user=user, remind_at=timezone.now() - timedelta(seconds=seconds_ago),
                                       source="task", key=key, title=title, url="/activities/tasks/1/")])


def test_a_due_reminder_is_texted_once_and_the_text_goes_out(tenant_a, people, mailbox,
                                                              django_capture_on_commit_callbacks):
    boss, sales = people
    with in_tenant(tenant_a), django_capture_on_commit_callbacks() as callbacks:
        _due(sales, "a", "Call back 北京科技")
        _due(boss, "b", "Visit 上海")
        first = delivery.run()
        second = delivery.run()  # a second run (two beats by mistake) texts nothing again
        assert first["texted"] == 2 and second["texted"] == 0
        texts = {m.number: m for m in SmsMessage.objects.all()}
        assert set(texts) == {"13811112222", "13900000000"}
        text = texts["13811112222"]
        # In each person's own language, like their e-mails.
        assert text.body.startswith("【阿尔法】提醒 ") and text.body.endswith("：Call back 北京科技")
        assert texts["13900000000"].body.startswith("【阿尔法】Reminder ")
        assert text.sender_id == sales.pk and text.status == SmsMessage.Status.QUEUED
        assert services.quota_used() == 2
        assert set(Delivery.objects.filter(channel="sms").values_list("state", flat=True)) == {"sent"}
        assert Notification.objects.filter(reminder__isnull=False).count() == 2
        assert delivery.next_due() is None
    assert len(callbacks) == 2  # each text is handed to the SMS worker once its run commits
    with in_tenant(tenant_a):
        assert sending.deliver(text.pk).status == SmsMessage.Status.SENT
    assert len(mailbox) == 2  # e-mail as before


def test_reminders_of_one_person_in_one_run_share_a_text(tenant_a, people, django_capture_on_commit_callbacks):
    _boss, sales = people
    with in_tenant(tenant_a), django_capture_on_commit_callbacks():
        for i in range(3):
            _due(sales, f"r{i}", f"Task {i}", seconds_ago=10 - i)
        assert delivery.run()["texted"] == 3
        [text] = SmsMessage.objects.all()
        assert "3 条提醒：Task 0 等" in text.body


def test_the_time_in_the_text_is_the_companys(tenant_a, people, django_capture_on_commit_callbacks):
    from tenants.models import Tenant

    _boss, sales = people
    Tenant.objects.filter(schema_name=tenant_a.schema).update(time_zone="Europe/London")
    try:
        with in_tenant(tenant_a), django_capture_on_commit_callbacks():
            at = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=1)
            activities.add_reminders([Reminder(user=sales, remind_at=at, source="task", key="tz", title="Zone")])
            delivery.run()
            import zoneinfo

            expected = at.astimezone(zoneinfo.ZoneInfo("Europe/London")).strftime("%m-%d %H:%M")
            assert f"提醒 {expected}：Zone" in SmsMessage.objects.get().body
    finally:
        Tenant.objects.filter(schema_name=tenant_a.schema).update(time_zone="Asia/Shanghai")


def test_a_used_up_quota_fails_the_text_with_the_reason_and_nothing_else(tenant_a, people, mailbox):
    _boss, sales = people
    with in_tenant(tenant_a):
        gateway("development", monthly_quota=0, remind_by_sms=True)
        _due(sales, "q", "Quota")
        result = delivery.run()
        assert result["texted"] == 0 and result["notified"] == 1
        row = Delivery.objects.get(channel="sms")
        assert row.state == "failed" and "短信额度已用完" in row.error
        assert not SmsMessage.objects.exists()
        assert delivery.run()["texted"] == 0 and Delivery.objects.get(channel="sms").attempts == 1  # not retried
        assert delivery.next_due() is None
    assert len(mailbox) == 1


def test_an_opted_out_mobile_is_not_texted(tenant_a, people):
    boss, sales = people
    with in_tenant(tenant_a):
        services.add_opt_out(sales.mobile, by=boss)
        _due(sales, "o", "Opted out")
        delivery.run()
        row = Delivery.objects.get(channel="sms")
        assert row.state == "failed" and "已退订" in row.error
        assert not SmsMessage.objects.exists()


def test_no_texts_while_the_setting_or_the_module_is_off(tenant_a, people, switch_module, mailbox):
    _boss, sales = people
    with in_tenant(tenant_a):
        gateway("development", remind_by_sms=False)
        _due(sales, "s", "Setting off")
        assert delivery.run()["emailed"] == 1
        assert not Delivery.objects.filter(channel="sms").exists()
    with in_tenant(tenant_a):
        gateway("development", remind_by_sms=True)
    switch_module(tenant_a, "sms", False)
    with in_tenant(tenant_a):
        _due(sales, "m", "Module off")
        delivery.run()
        assert not Delivery.objects.filter(channel="sms").exists()
        assert not SmsMessage.objects.exists()


def test_texts_written_before_the_module_went_off_fail_instead_of_waiting_for_ever(tenant_a, people, switch_module):
    _boss, sales = people
    with in_tenant(tenant_a):
        _due(sales, "w", "Written")
        delivery.notify_due()
    switch_module(tenant_a, "sms", False)
    with in_tenant(tenant_a):
        assert delivery.run()["texted"] == 0
        row = Delivery.objects.get(channel="sms")
        assert row.state == "failed" and row.error == "短信模块未开启。"
        assert delivery.next_due() is None


def test_aliyun_texts_reminders_with_the_approved_template(tenant_a, people, fake, django_capture_on_commit_callbacks):
    boss, sales = people
    with in_tenant(tenant_a):
        template = services.save_template(None, by=boss, name="提醒", body="您有日程：{title}，时间{time}",
                                          provider_code="SMS_9001")
        gateway("aliyun", fake.url, remind_by_sms=False)
        with pytest.raises(Exception) as err:  # turning reminders on needs the template with its code
            services.save_settings(by=boss, remind_by_sms=True)
        assert "reminder_template" in err.value.message_dict
        services.save_settings(by=boss, remind_by_sms=True, reminder_template=template)
        with django_capture_on_commit_callbacks():
            _due(sales, "al", "拜访北京科技")
            assert delivery.run()["texted"] == 1
        text = SmsMessage.objects.get()
        assert text.template_id == template.pk
        assert sending.deliver(text.pk).status == SmsMessage.Status.SENT
    [seen] = fake.requests
    assert seen.params["TemplateCode"] == "SMS_9001" and seen.number == "13811112222"
    assert json.loads(seen.params["TemplateParam"])["title"] == "拜访北京科技"


def test_the_reminder_template_may_use_the_reminder_variables_only(tenant_a, people):
    boss, _sales = people
    with in_tenant(tenant_a):
        wrong = services.save_template(None, by=boss, name="客户", body="{customer}您好")
        with pytest.raises(Exception) as err:
            services.save_settings(by=boss, reminder_template=wrong)
        assert "{customer}" in err.value.message_dict["reminder_template"][0]
        services.archive_template(wrong, by=boss)
        right = services.save_template(None, by=boss, name="提醒", body="{time} {title}")
        assert services.save_settings(by=boss, reminder_template=right).reminder_template == right
        assert services.save_settings(by=boss, reminder_template=None).reminder_template is None


def test_settings_page_and_api_switch_reminders_by_sms(tenant_a, people, client_for):
    boss, sales = people
    with in_tenant(tenant_a):
        template = services.save_template(None, by=boss, name="提醒", body="{time} {title}")
    api = client_for(tenant_a, boss)
    response = api.patch("/api/v1/sms/settings/", {"remind_by_sms": False, "reminder_template": template.pk},
                         content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["remind_by_sms"] is False and response.json()["reminder_template"] == template.pk
    response = api.patch("/api/v1/sms/settings/", {"reminder_template": 99999}, content_type="application/json")
    assert response.status_code == 400 and "reminder_template" in str(response.json())
    assert client_for(tenant_a, sales).patch("/api/v1/sms/settings/", {"remind_by_sms": True},
                                             content_type="application/json").status_code == 403
    page = api.get("/sms/settings/").content.decode()
    assert "Send reminders by SMS" in page and "提醒" in page
    saved = api.post("/sms/settings/", {"gw-provider": "development", "gw-price": "0.05", "gw-currency": "CNY",
                                        "gw-monthly_quota": "100", "gw-remind_by_sms": "on",
                                        "gw-reminder_template": str(template.pk)})
    assert saved.status_code == 302, saved.content.decode()[-2000:]
    with in_tenant(tenant_a):
        config = services.gateway_settings()
        assert config.remind_by_sms and config.reminder_template_id == template.pk
    with in_tenant(tenant_a):
        assert services.gateway_settings().reminder_template_id == template.pk


def test_reminders_in_one_company_never_text_from_another(tenant_a, tenant_b, people, make_user, switch_module,
                                                          django_capture_on_commit_callbacks):
    _boss, sales = people
    boss_b = make_user(tenant_b, role=Role.BOSS)
    switch_module(tenant_b, "sms", True)
    with in_tenant(tenant_b):
        gateway("development", monthly_quota=5, remind_by_sms=True)
        template_b = SmsTemplate.objects.create(name="B", body="B公司 {title}", created_by=boss_b)
    with in_tenant(tenant_a), django_capture_on_commit_callbacks():
        _due(sales, "iso", "Only A")
        delivery.run()
        assert SmsMessage.objects.get().template_id is None
        assert "B公司" not in SmsMessage.objects.get().body
    with in_tenant(tenant_b):
        assert not SmsMessage.objects.exists() and services.quota_used() == 0
        assert services.gateway_settings().reminder_template_id is None
        assert SmsTemplate.objects.get().pk == template_b.pk


def test_a_run_whose_lease_was_taken_over_writes_no_text(tenant_a, people, django_capture_on_commit_callbacks):
    """A run slowed past its lease (a loaded machine) finds its rows leased again by a second run:
    it texts nothing, so each reminder is texted and paid for once."""
    boss, sales = people
    with in_tenant(tenant_a), django_capture_on_commit_callbacks() as callbacks:
        _due(sales, "l1", "Lease one")
        _due(boss, "l2", "Lease two")
        delivery.notify_due()
        now = timezone.now()
        slow = delivery._lease("sms", now - timedelta(seconds=delivery.lease_seconds() + 1), 100)
        again = delivery._lease("sms", now, 100)
        assert len(slow) == len(again) == 2
        assert delivery.text_leased(slow) == 0
        assert not SmsMessage.objects.exists() and services.quota_used() == 0
        assert delivery.text_leased(again) == 2
        assert sorted(SmsMessage.objects.values_list("number", flat=True)) == ["13811112222", "13900000000"]
        assert services.quota_used() == 2
        assert set(Delivery.objects.filter(channel="sms").values_list("state", "attempts")) == {("sent", 2)}
    assert len(callbacks) == 2
