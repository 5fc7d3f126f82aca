"""SSRF through the SMS endpoint: a Boss may point the gateway at a public https address only.
Refused when saved (page and API, the message naming the problem) and again when sent (a stored
value, or a DNS answer that changed), redirects inward not followed; only the operator's
SMS_ALLOWED_ENDPOINT_HOSTS lets the loopback fakes (or a private gateway) be used."""

from __future__ import annotations

import pytest

from plugins.sms import providers, services
from plugins.sms.models import SmsMessage, SmsSettings, SmsTemplate
from tests.conftest import in_tenant
from tests.plugins.sms.conftest import gateway
from tests.saas_core.test_egress import FORBIDDEN, Recorder

pytestmark = pytest.mark.django_db

INWARD = ["http://127.0.0.1:8000", "localhost:8000", "https://[::1]", "https://10.0.0.5", "https://169.254.169.254",
          "https://100.100.100.200", "https://100.64.1.1", "https://224.0.0.1", "https://240.0.0.1",
          "https://0.0.0.0", "https://[::ffff:127.0.0.1]", "https://[fe80::1]", "https://192.168.0.1:8443"]


@pytest.fixture
def no_exceptions(settings):
    settings.SMS_ALLOWED_ENDPOINT_HOSTS = []


@pytest.fixture
def message(tenant_a, boss_a, sms_a):
    with in_tenant(tenant_a):
        template = SmsTemplate.objects.create(name="发货", body="{contact}您好", provider_code="SMS_1",
                                              created_by=boss_a)
        return SmsMessage.objects.create(sender=boss_a, number="13812345678", body="【阿尔法】张三您好",
                                         template=template, params={"contact": "张三"})


def save(boss, **fields):
    return services.save_settings(by=boss, provider="twilio", access_key_id="AC1", access_key_secret="s",
                                  sender_number="+15005550006", **fields)


@pytest.mark.parametrize("endpoint", INWARD)
def test_saving_an_inward_endpoint_is_refused(tenant_a, boss_a, sms_a, no_exceptions, endpoint):
    from django.core.exceptions import ValidationError

    with in_tenant(tenant_a), pytest.raises(ValidationError) as refused:
        save(boss_a, endpoint=endpoint)
    [text] = refused.value.message_dict["endpoint"]
    assert "only public internet addresses may be used" in text or "must use https" in text
    with in_tenant(tenant_a):
        assert not SmsSettings.objects.filter(endpoint=endpoint).exists()  # nothing half-written


def test_the_page_and_the_api_name_the_problem(tenant_a, boss_a, sms_a, client_for, no_exceptions):
    boss = client_for(tenant_a, boss_a)
    page = boss.post("/sms/settings/", {
        "gw-provider": "twilio", "gw-access_key_id": "AC123", "gw-access_key_secret": "t",
        "gw-sender_number": "+15005550006", "gw-signature": "", "gw-price": "0.07", "gw-currency": "usd",
        "gw-monthly_quota": "500", "gw-endpoint": "http://169.254.169.254", "gw-app_id": "", "gw-region": "",
    })
    assert page.status_code == 200
    assert "169.254.169.254 is a cloud metadata address; only public internet addresses may be used." in \
        page.content.decode()
    api = boss.patch("/api/v1/sms/settings/", {"endpoint": "https://localhost:8000"}, content_type="application/json")
    assert api.status_code == 400
    assert "localhost resolves to" in api.json()["errors"]["endpoint"][0]
    public = boss.patch("/api/v1/sms/settings/", {"endpoint": "https://8.8.8.8:8443"}, content_type="application/json")
    assert public.status_code == 200 and public.json()["endpoint"] == "https://8.8.8.8:8443"


@pytest.mark.parametrize("provider", ["aliyun", "tencent", "twilio"])
@pytest.mark.parametrize("endpoint", [u for u in FORBIDDEN if "localhost" not in u][:12] + ["localhost"])
def test_a_stored_inward_endpoint_is_refused_at_send_time(tenant_a, message, fake, no_exceptions, provider, endpoint):
    """A value saved before the rule (or whose DNS answer changed) never gets a connection."""
    with in_tenant(tenant_a):
        config = gateway(provider, endpoint + (f":{fake.port}" if endpoint == "localhost" else ""))
        result = providers.send(message, config)
    assert (result.ok, result.error_code, result.retryable, result.ambiguous) == (False, "ENDPOINT_REFUSED", False,
                                                                                  False)
    assert "only public internet addresses may be used" in result.error_message
    assert fake.requests == []


def test_the_worker_path_fails_the_message_without_calling_or_retrying(tenant_a, message, fake, no_exceptions):
    from plugins.sms import sending

    with in_tenant(tenant_a):
        gateway("twilio", fake.url)
        assert sending.deliver(message.pk).status == SmsMessage.Status.FAILED
        message.refresh_from_db()
    assert message.error_code == "ENDPOINT_REFUSED" and "127.0.0.1 is a loopback address" in message.error_message
    assert fake.requests == []


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])  # their SDKs follow redirects
def test_a_redirect_inward_is_not_followed(tenant_a, message, settings, provider):
    inner = Recorder()  # something on loopback that must not be reached
    redirector = Recorder("127.0.0.2", redirect_to=inner.url + "/internal")
    settings.SMS_ALLOWED_ENDPOINT_HOSTS = ["127.0.0.2"]  # the operator's gateway, which answers with a redirect
    try:
        with in_tenant(tenant_a):
            config = gateway(provider, redirector.url)
            result = providers.send(message, config)
            assert len(redirector.hits) == 1 and inner.hits == []
            assert (result.ok, result.error_code) == (False, "ENDPOINT_REFUSED")
            assert "127.0.0.1 is a loopback address" in result.error_message
            providers.for_settings(config).send(message, config)  # what the SDK did before: it followed
            assert [hit.split("?")[0] for hit in inner.hits] == ["/internal"]
    finally:
        redirector.stop()
        inner.stop()


def test_the_operator_setting_lets_the_fakes_work(tenant_a, boss_a, message, fake, settings):
    settings.SMS_ALLOWED_ENDPOINT_HOSTS = []
    with in_tenant(tenant_a):
        with pytest.raises(Exception, match="loopback"):
            save(boss_a, endpoint=fake.url)
        settings.SMS_ALLOWED_ENDPOINT_HOSTS = ["127.0.0.1"]
        config = save(boss_a, endpoint=fake.url)
        config.access_key_id, config.access_key_secret = "AC" + "0" * 32, "twilio-token-77"
        config.save()
        result = providers.send(message, config)
    assert result.ok and len(fake.accepted) == 1
