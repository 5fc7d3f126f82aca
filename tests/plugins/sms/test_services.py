"""Sending through the services: parts and cost, opt-outs skipped and counted, the quota, the
test-first rule, group sends by saved filters, scheduled sends and the delivery state machine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from plugins.sms import sending, services
from plugins.sms.models import SmsBatch, SmsMessage, SmsTemplate, SmsUsage
from saas_core.accounts.models import Role
from saas_core.customers.services import create_customer
from tests.conftest import in_tenant
from tests.plugins.sms.conftest import gateway

pytestmark = pytest.mark.django_db

LONG = "尊敬的客户您好，" + "我们的新品已经上市，欢迎您来店选购，" * 6  # > 70 characters with the signature


@pytest.fixture
def boss(tenant_a, boss_a, sms_a):
    with in_tenant(tenant_a):
        boss_a.mobile = "13900000000"
        boss_a.save(update_fields=["mobile"])
        gateway("development", signature="阿尔法", price_per_part_minor=5, monthly_quota=100)
    return boss_a


@pytest.fixture
def customers(tenant_a, boss):
    """Three customers of the Boss in Beijing (one contact each) and one in Shanghai."""
    with in_tenant(tenant_a):
        made = [create_customer(by=boss, name=f"北京客户{i}", city="北京", confirm_duplicates=True,
                                contact={"name": f"联系人{i}", "mobile": f"1380000000{i}"}) for i in range(3)]
        made.append(create_customer(by=boss, name="上海客户", city="上海", confirm_duplicates=True,
                                    contact={"name": "沪联系人", "mobile": "13700000009"}))
    return made


def test_a_single_send_is_logged_queued_and_costs_its_parts(tenant_a, boss, django_capture_on_commit_callbacks):
    with in_tenant(tenant_a), django_capture_on_commit_callbacks() as callbacks:
        message = services.send_single(by=boss, number="138 1234 5678", body=LONG)
    assert len(callbacks) == 1  # the task is queued only once the send commits
    assert message.body.startswith("【阿尔法】") and message.number == "13812345678"
    assert message.parts == 2 and message.cost_minor == 10 and message.status == SmsMessage.Status.QUEUED
    with in_tenant(tenant_a):
        assert services.quota_used() == 2
        assert sending.deliver(message.pk).status == SmsMessage.Status.SENT
        assert sending.deliver(message.pk).status == SmsMessage.Status.SENT  # a second run sends nothing
        message.refresh_from_db()
    assert message.attempts == 1 and message.provider_message_id.startswith("dev-")


def test_variables_are_filled_from_the_contact(tenant_a, boss, customers, django_capture_on_commit_callbacks):
    with in_tenant(tenant_a), django_capture_on_commit_callbacks():
        contact = customers[0].contacts.get()
        message = services.send_single(by=boss, number=contact.mobile, contact_id=contact.pk,
                                       body="{contact}您好，{customer}的专属顾问{owner}")
    assert message.body == f"【阿尔法】联系人0您好，北京客户0的专属顾问{boss}"
    assert message.customer_id == customers[0].pk and message.contact_id == contact.pk


def test_an_opted_out_number_is_refused_for_a_single_send(tenant_a, boss):
    with in_tenant(tenant_a):
        services.add_opt_out("+86 138-1234-5678", by=boss)
        with pytest.raises(ValidationError, match="opted out"):
            services.send_single(by=boss, number="13812345678", body="hi")
        assert not SmsMessage.objects.exists()


def test_aliyun_needs_a_template_with_a_code(tenant_a, boss):
    with in_tenant(tenant_a):
        gateway("aliyun")
        with pytest.raises(ValidationError) as err:
            services.send_single(by=boss, number="13812345678", body="free text")
        assert "template" in err.value.message_dict


def test_the_quota_stops_a_send_with_a_clear_message_and_writes_nothing(tenant_a, boss,
                                                                        django_capture_on_commit_callbacks):
    with in_tenant(tenant_a), django_capture_on_commit_callbacks():
        gateway("development", monthly_quota=3)
        services.send_single(by=boss, number="13812345678", body=LONG)  # 2 parts
        with pytest.raises(ValidationError) as err:
            services.send_single(by=boss, number="13812345679", body=LONG)
        assert "quota is used up: 2 of 3 parts" in err.value.messages[0]
        assert SmsMessage.objects.count() == 1 and services.quota_used() == 2
        services.send_single(by=boss, number="13812345679", body="短")  # 1 part still fits
        assert services.quota_used() == 3


def test_a_failed_message_gives_its_parts_back(tenant_a, boss, fake, django_capture_on_commit_callbacks):
    with in_tenant(tenant_a), django_capture_on_commit_callbacks():
        gateway("twilio", fake.url)
        fake.script("+14155550100", "invalid")
        message = services.send_single(by=boss, number="+1 415 555 0100", body="Hello")
        assert services.quota_used() == 1
        assert sending.deliver(message.pk).status == SmsMessage.Status.FAILED
        message.refresh_from_db()
        assert services.quota_used() == 0
    assert message.error_code == "21211" and "not a valid phone number" in message.error_message


def test_a_retryable_error_waits_longer_each_time(tenant_a, boss, fake, settings, django_capture_on_commit_callbacks):
    settings.SMS_RETRY_BASE_SECONDS = 30
    with in_tenant(tenant_a), django_capture_on_commit_callbacks():
        gateway("twilio", fake.url)
        fake.script("+14155550100", "limit", "5xx", "ok")
        message = services.send_single(by=boss, number="+14155550100", body="Hello")
        first, second, third = (sending.deliver(message.pk) for _ in range(3))
        message.refresh_from_db()
    assert (first.status, first.retry_in) == ("retrying", 30)
    assert (second.status, second.retry_in) == ("retrying", 60)
    assert third.status == "sent" and message.attempts == 3 and len(fake.accepted) == 1


def test_a_timeout_is_not_retried_and_a_found_claim_is_not_resent(tenant_a, boss, fake,
                                                                    django_capture_on_commit_callbacks):
    with in_tenant(tenant_a), django_capture_on_commit_callbacks():
        gateway("twilio", fake.url)
        fake.script("+14155550100", "slow")
        slow = services.send_single(by=boss, number="+14155550100", body="Hello")
        assert sending.deliver(slow.pk).status == SmsMessage.Status.UNKNOWN
        assert sending.deliver(slow.pk).status == SmsMessage.Status.UNKNOWN
        crashed = services.send_single(by=boss, number="+14155550101", body="Hello")
        SmsMessage.objects.filter(pk=crashed.pk).update(status=SmsMessage.Status.SENDING)  # a worker died here
        assert sending.deliver(crashed.pk).status == SmsMessage.Status.UNKNOWN
        crashed.refresh_from_db()
    assert len(fake.accepted) == 1  # the slow one, once; the crashed one never again
    assert "not resent" in crashed.error_message


def test_a_group_send_needs_a_test_first_and_skips_and_counts_opted_out_numbers(
    tenant_a, boss, customers, django_capture_on_commit_callbacks,
):
    with in_tenant(tenant_a), django_capture_on_commit_callbacks() as callbacks:
        services.add_opt_out("13800000001", by=boss)
        filters = {"city": "北京"}
        preview = services.preview_group(by=boss, kind="customers", filters=filters, body=LONG)
        assert (preview.recipients, preview.skipped_opt_out, preview.total_parts, preview.cost_minor) == (2, 1, 4, 20)
        assert any("test" in w for w in preview.warnings)
        with pytest.raises(ValidationError, match="test first"):
            services.send_group(by=boss, kind="customers", filters=filters, body=LONG)
        test = services.send_test(by=boss, body=LONG)
        assert test.number == "13900000000" and test.is_test
        batch = services.send_group(by=boss, kind="customers", filters=filters, body=LONG)
    assert (batch.recipients, batch.skipped_opt_out, batch.parts, batch.cost_minor) == (2, 1, 4, 20)
    with in_tenant(tenant_a):
        rows = {m.number: m.status for m in SmsMessage.objects.filter(batch=batch)}
        assert rows == {"13800000000": "queued", "13800000002": "queued", "13800000001": "skipped"}
        assert services.quota_used() == 2 + 4  # the test and the group, not the skipped one
    assert len(callbacks) == 2


def test_contacts_by_saved_filter_and_duplicate_numbers_once(tenant_a, boss, customers,
                                                             django_capture_on_commit_callbacks):
    with in_tenant(tenant_a), django_capture_on_commit_callbacks():
        from saas_core.customers.services import save_contact

        save_contact(None, customer=customers[3], by=boss, name="沪二号", mobile="13700000009")
        saved = services.save_audience(by=boss, name="上海联系人", kind="contacts", filters={"q": "沪"})
        preview = services.preview_group(by=boss, kind=saved.kind, filters=saved.filters, body="{contact}好")
        assert (preview.recipients, preview.skipped_duplicate) == (1, 1)
        with pytest.raises(ValidationError):
            services.save_audience(by=boss, name="bad", kind="contacts", filters={"no_such": 1})


def test_a_group_send_reaches_only_the_customers_the_sender_may_see(tenant_a, boss, customers, make_user,
                                                                    django_capture_on_commit_callbacks):
    sales = make_user(tenant_a, role=Role.SALES, mobile="13900000001")
    with in_tenant(tenant_a), django_capture_on_commit_callbacks():
        create_customer(by=sales, name="自己的客户", city="北京", confirm_duplicates=True,
                        contact={"name": "自己人", "mobile": "13600000000"})
        preview = services.preview_group(by=sales, kind="customers", filters={"city": "北京"}, body="hi")
    assert preview.recipients == 1


def test_a_scheduled_send_waits_for_the_beat_tick(tenant_a, boss, django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=2)
    with in_tenant(tenant_a), django_capture_on_commit_callbacks() as callbacks:
        message = services.send_single(by=boss, number="13812345678", body="hi", scheduled_at=at)
        assert callbacks == []
        assert sending.dispatch_due() == 0
        assert sending.dispatch_due(now=at + timedelta(seconds=1)) == 1
        assert sending.dispatch_due(now=at + timedelta(seconds=2)) == 0  # queued once
        with pytest.raises(ValidationError) as err:
            services.send_single(by=boss, number="13812345678", body="hi", scheduled_at=timezone.now())
        assert "scheduled_at" in err.value.message_dict
        message.refresh_from_db()
    assert message.enqueued_at is not None


def test_a_number_that_opts_out_after_queueing_is_skipped_at_delivery(tenant_a, boss,
                                                                      django_capture_on_commit_callbacks):
    with in_tenant(tenant_a), django_capture_on_commit_callbacks():
        message = services.send_single(by=boss, number="13812345678", body="hi")
        services.add_opt_out("13812345678", by=boss)
        assert sending.deliver(message.pk).status == SmsMessage.Status.SKIPPED
        assert services.quota_used() == 0


def test_settings_keep_the_secret_when_left_empty_and_only_the_boss_changes_them(tenant_a, boss, make_user):
    from django.core.exceptions import PermissionDenied

    director = make_user(tenant_a, role=Role.DIRECTOR)
    with in_tenant(tenant_a):
        services.save_settings(by=boss, provider="twilio", access_key_id="AC1", access_key_secret="s3cret",
                               sender_number="+15005550006")
        services.save_settings(by=boss, access_key_secret="", signature="X")
        assert services.gateway_settings().access_key_secret == "s3cret"
        with pytest.raises(ValidationError) as err:
            services.save_settings(by=boss, provider="tencent")
        assert "app_id" in err.value.message_dict
        with pytest.raises(PermissionDenied):
            services.save_settings(by=director, monthly_quota=5)


def test_the_log_cannot_be_deleted_even_by_sql(tenant_a, boss, django_capture_on_commit_callbacks):
    from django.db import ProgrammingError, transaction

    with in_tenant(tenant_a), django_capture_on_commit_callbacks():
        message = services.send_single(by=boss, number="13812345678", body="hi")
        with pytest.raises(ProgrammingError, match="Cannot delete"), transaction.atomic():
            SmsMessage.objects.filter(pk=message.pk).delete()
        assert SmsMessage.objects.filter(pk=message.pk).exists()


def test_templates_are_archived_not_deleted(tenant_a, boss):
    with in_tenant(tenant_a):
        template = services.save_template(None, by=boss, name="发货", body="{contact}您好，已发货", provider_code="SMS_1")
        services.archive_template(template, by=boss)
        assert SmsTemplate.objects.filter(pk=template.pk, is_active=False).exists()
        assert not services.active_templates().exists()
        assert SmsBatch.objects.count() == 0 and SmsUsage.objects.count() == 0


def test_the_secret_is_stored_encrypted(tenant_a, boss):
    from django.db import connection

    with in_tenant(tenant_a):
        services.save_settings(by=boss, provider="twilio", access_key_id="AC123", access_key_secret="tok-very-secret",
                               sender_number="+15005550006")
        with connection.cursor() as cursor:
            cursor.execute("SELECT access_key_secret FROM sms_smssettings WHERE id = 1")
            stored = cursor.fetchone()[0]
        assert stored.startswith("fernet:") and "tok-very-secret" not in stored
        assert services.gateway_settings().access_key_secret == "tok-very-secret"
        services.save_settings(by=boss, access_key_secret="")  # empty keeps the stored one
        assert services.gateway_settings().access_key_secret == "tok-very-secret"
