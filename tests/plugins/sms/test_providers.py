"""Each provider's official SDK against the loopback server that checks and answers like it."""

from __future__ import annotations

import json

import pytest

from plugins.sms import providers
from plugins.sms.models import SmsMessage, SmsTemplate
from tests.conftest import in_tenant
from tests.plugins.sms import fake_providers as fp
from tests.plugins.sms.conftest import gateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(tenant_a, boss_a):
    def make(number="13812345678", body="【阿尔法】张三您好，您的订单已发货", code="SMS_2718", **params):
        with in_tenant(tenant_a):
            template = SmsTemplate.objects.create(name=f"t{number}", body="{contact}您好，您的订单已发货",
                                                  provider_code=code, created_by=boss_a)
            return SmsMessage.objects.create(sender=boss_a, number=number, body=body, template=template,
                                             params={"contact": "张三", **params})
    return make


def send(provider, message, endpoint, **extra):
    config = gateway(provider, endpoint, **extra)
    return providers.for_settings(config).send(message, config)


def test_aliyun_signs_with_acs3_and_sends_the_template_with_its_values(tenant_a, fake, message):
    msg = message()
    with in_tenant(tenant_a):
        result = send("aliyun", msg, fake.url)
        key = providers.out_id(msg)
    assert result.ok and result.message_id.endswith("^0")
    [seen] = fake.requests
    assert seen.signature_ok
    assert seen.number == "13812345678" and seen.out_id == key == f"{tenant_a.schema}-{msg.pk}"
    assert seen.params["SignName"] == "阿尔法" and seen.params["TemplateCode"] == "SMS_2718"
    assert json.loads(seen.params["TemplateParam"]) == {"contact": "张三"}


def test_aliyun_errors_come_back_with_the_providers_code_and_message(tenant_a, fake, message):
    msg = message()
    fake.script("13812345678", "limit", "invalid", "5xx")
    with in_tenant(tenant_a):
        limit, invalid, down = (send("aliyun", msg, fake.url) for _ in range(3))
        wrong_secret = send("aliyun", msg, fake.url, access_key_secret="not-the-secret")
        wrong_key = send("aliyun", msg, fake.url, access_key_id="LTAIunknown")
    assert (limit.error_code, limit.retryable) == ("isv.BUSINESS_LIMIT_CONTROL", True)
    assert "流控" in limit.error_message
    assert (invalid.error_code, invalid.retryable) == ("isv.MOBILE_NUMBER_ILLEGAL", False)
    assert down.retryable and not down.ok
    assert (wrong_secret.error_code, wrong_secret.retryable) == ("SignatureDoesNotMatch", False)
    assert wrong_key.error_code == "InvalidAccessKeyId.NotFound"
    assert not fake.requests[3].signature_ok


def test_aliyun_and_tencent_refuse_free_text_before_calling(tenant_a, fake, message):
    msg = message(code="")
    with in_tenant(tenant_a):
        assert send("aliyun", msg, fake.url).error_code == "TEMPLATE_REQUIRED"
        assert send("tencent", msg, fake.url).error_code == "TEMPLATE_REQUIRED"
    assert fake.requests == []


def test_tencent_signs_with_tc3_and_passes_the_values_in_order(tenant_a, fake, message):
    msg = message(code="449739")
    with in_tenant(tenant_a):
        result = send("tencent", msg, fake.url)
        key = providers.out_id(msg)
    assert result.ok and result.message_id.startswith("2640:")
    [seen] = fake.requests
    assert seen.signature_ok and seen.number == "+8613812345678" and seen.out_id == key
    assert seen.params["TemplateId"] == "449739" and seen.params["TemplateParamSet"] == ["张三"]
    assert seen.params["SmsSdkAppId"] == fp.TENCENT_APP and seen.params["SignName"] == "阿尔法"


def test_tencent_errors(tenant_a, fake, message):
    msg = message(code="449739")
    fake.script("+8613812345678", "limit", "daily", "invalid", "5xx")
    with in_tenant(tenant_a):
        limit, daily, invalid, down = (send("tencent", msg, fake.url) for _ in range(4))
        wrong = send("tencent", msg, fake.url, access_key_secret="wrong")
    assert (limit.error_code, limit.retryable) == ("LimitExceeded.PhoneNumberThirtySecondLimit", True)
    assert (daily.error_code, daily.retryable) == ("LimitExceeded.PhoneNumberDailyLimit", False)
    assert "上限" in daily.error_message
    assert (invalid.error_code, invalid.retryable) == ("InvalidParameterValue.IncorrectPhoneNumber", False)
    assert down.retryable
    assert (wrong.error_code, wrong.retryable) == ("AuthFailure.SignatureFailure", False)


def test_twilio_sends_the_text_with_basic_auth(tenant_a, fake, message):
    msg = message(number="+1 415 555 0100", body="Hello Ann, your order has shipped")
    with in_tenant(tenant_a):
        result = send("twilio", msg, fake.url)
    assert result.ok and result.message_id.startswith("SM")
    [seen] = fake.requests
    assert seen.signature_ok and seen.number == "+14155550100"
    assert seen.params["Body"] == "Hello Ann, your order has shipped" and seen.params["From"] == fp.TWILIO_FROM


def test_twilio_errors(tenant_a, fake, message):
    msg = message(number="+14155550100", body="Hi")
    fake.script("+14155550100", "invalid", "limit", "5xx")
    with in_tenant(tenant_a):
        invalid, limit, down = (send("twilio", msg, fake.url) for _ in range(3))
        wrong = send("twilio", msg, fake.url, access_key_secret="nope")
    assert (invalid.error_code, invalid.retryable) == ("21211", False)
    assert "is not a valid phone number" in invalid.error_message
    assert (limit.error_code, limit.retryable) == ("20429", True)
    assert (down.error_code, down.retryable) == ("20503", True)
    assert (wrong.error_code, wrong.retryable) == ("20003", False)


@pytest.mark.parametrize("provider", ["aliyun", "tencent", "twilio"])
def test_no_answer_in_time_is_ambiguous_and_a_refused_connection_is_retryable(provider, tenant_a, fake, message):
    from tests.conftest import free_port

    msg = message(code="449739")
    fake.script(providers.e164(msg.number) if provider != "aliyun" else msg.number, "slow")
    with in_tenant(tenant_a):
        slow = send(provider, msg, fake.url)
        refused = send(provider, msg, f"http://127.0.0.1:{free_port()}")
    assert not slow.ok and slow.ambiguous and not slow.retryable, slow
    assert refused.retryable and not refused.ambiguous and refused.error_code == "CONNECTION_REFUSED", refused
    assert len(fake.accepted) == 1  # the slow one reached the provider


def test_the_development_provider_only_logs(tenant_a, fake, message, caplog):
    msg = message()
    with in_tenant(tenant_a), caplog.at_level("INFO", logger="plugins.sms.providers"):
        result = send("development", msg, "")
    assert result.ok and result.message_id.startswith("dev-")
    assert "13812345678" in caplog.text and fake.requests == []
