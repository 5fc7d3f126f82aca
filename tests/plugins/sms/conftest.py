"""SMS test fixtures: the loopback provider server, the module switched on, a configured gateway."""

from __future__ import annotations

import pytest

from tests.plugins.sms import fake_providers as fp

PROVIDER_SETTINGS = {
    "development": {},
    "aliyun": {"access_key_id": fp.ALIYUN_KEY, "access_key_secret": fp.ALIYUN_SECRET, "signature": "阿尔法",
               "region": "cn-hangzhou"},
    "tencent": {"access_key_id": fp.TENCENT_ID, "access_key_secret": fp.TENCENT_KEY, "app_id": fp.TENCENT_APP,
                "signature": "阿尔法", "region": "ap-guangzhou"},
    "twilio": {"access_key_id": fp.TWILIO_SID, "access_key_secret": fp.TWILIO_TOKEN, "sender_number": fp.TWILIO_FROM},
}


@pytest.fixture(scope="session")
def fake_server():
    server = fp.FakeProviders()
    yield server
    server.stop()


# The operator's exception that lets companies' endpoints reach the loopback fakes (the product
# refuses loopback otherwise): what SMS_ALLOWED_ENDPOINT_HOSTS=127.0.0.1 gives a real installation.
ALLOW_FAKES = "127.0.0.1"


@pytest.fixture(autouse=True)
def allow_fakes(settings):
    settings.SMS_ALLOWED_ENDPOINT_HOSTS = [ALLOW_FAKES]


@pytest.fixture
def fake(fake_server, settings):
    """The loopback provider server, emptied; the clients wait 1 s for an answer."""
    fake_server.reset()
    fake_server.slow_seconds = 2.5
    settings.SMS_PROVIDER_TIMEOUT = 1
    yield fake_server
    fake_server.reset()


def gateway(provider: str, endpoint: str = "", **extra):
    """Write the company's SMS settings for ``provider`` pointed at ``endpoint`` (current schema)."""
    from plugins.sms.models import SmsSettings

    values = {"provider": provider, "endpoint": endpoint, "signature": "", **PROVIDER_SETTINGS[provider], **extra}
    SmsSettings.objects.update_or_create(pk=1, defaults=values)
    return SmsSettings.objects.get(pk=1)


@pytest.fixture
def sms_a(tenant_a, switch_module):
    """SMS switched on in tenant A (through the vendor's override)."""
    switch_module(tenant_a, "sms", True)
    return tenant_a
