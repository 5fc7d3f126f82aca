"""SMS providers behind one interface: ``for_settings(config).send(message, config) -> Result``.

Each provider is called over real HTTP through its official SDK; ``SmsSettings.endpoint``
points an SDK at another host (a private gateway or a proxy; without a scheme it means HTTPS).
``send`` is the one way in: a company's endpoint must be https to a public address, checked
again right before the call, and the call runs inside ``saas_core.egress.public_only``, so no
connection (a DNS answer changed since, a redirect) reaches loopback, private or metadata
addresses. Only the operator's ``SMS_ALLOWED_ENDPOINT_HOSTS`` makes exceptions (a private
gateway, or the tests' loopback server ``http://127.0.0.1:8421``).

- Aliyun (alibabacloud-dysmsapi20170525, ``SendSms``, ACS3-HMAC-SHA256 signed): sends approved
  templates only, ``TemplateCode`` + ``TemplateParam`` (JSON of the variables); ``OutId``
  carries our message key.
- Tencent Cloud (tencentcloud-sdk-python-sms, ``SendSms`` 2021-01-11, TC3-HMAC-SHA256 signed):
  approved templates only, ``TemplateId`` + ``TemplateParamSet`` (the variables' values in the
  order they appear in the text); ``SessionContext`` carries our message key.
- Twilio (twilio, ``POST /2010-04-01/Accounts/{sid}/Messages.json``, HTTP Basic): free text.
- Development: writes the message to the log and answers "sent"; nothing leaves the machine.

None of the three de-duplicates a repeated request on its side, so "never twice" rests on
``sending.deliver``'s claim; the out-id lets the provider's records be matched to the log.

A ``Result`` says whether the provider took the message, and if not whether trying again later
can help (``retryable``: rate limits, the provider's own faults, a refused connection) or
whether the provider may have taken it after all (``ambiguous``: the request went out and no
answer came back), which is never retried.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.db import connection

from plugins.sms import text
from plugins.sms.models import Provider, SmsMessage, SmsSettings
from saas_core import egress
from saas_core.customers.phones import normalise_phone
from saas_core.sending.records import Result, failed, network_error  # noqa: F401 - the providers' answers

logger = logging.getLogger(__name__)

DEFAULT_ENDPOINTS = {
    Provider.ALIYUN: "https://dysmsapi.aliyuncs.com",
    Provider.TENCENT: "https://sms.tencentcloudapi.com",
    Provider.TWILIO: "https://api.twilio.com",
}


def out_id(message: SmsMessage) -> str:
    """Our key of the message at the provider: the company's schema and the log row."""
    return f"{connection.schema_name}-{message.pk}"


def timeout() -> float:
    return float(getattr(django_settings, "SMS_PROVIDER_TIMEOUT", 10))


def split_endpoint(endpoint: str, default: str) -> tuple[str, str]:
    """``(scheme, host[:port])`` of the configured endpoint, or of the provider's public one."""
    raw = (endpoint or default).strip().rstrip("/")
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    return parts.scheme.lower(), parts.netloc


def e164(number: str) -> str:
    """``+<country><number>``; a Chinese mobile number without a country code gets +86."""
    raw = (number or "").strip()
    digits = normalise_phone(raw)
    if len(digits) == 11 and digits.startswith("1") and not raw.startswith("+") or raw.startswith(("+86", "0086")):
        return "+86" + digits
    digits = "".join(ch for ch in raw if ch.isdigit())
    return "+" + (digits[2:] if digits.startswith("00") else digits)


def template_values(message: SmsMessage) -> list[tuple[str, str]]:
    """The template's variables with this message's values, in the order of the text."""
    body = message.template.body if message.template_id else ""
    return [(name, str(message.params.get(name, ""))) for name in text.variables_in(body)]


def needs_template(message: SmsMessage, provider_label: str) -> Result | None:
    if message.template_id and message.template.provider_code:
        return None
    return failed("TEMPLATE_REQUIRED", f"{provider_label} sends approved templates only: choose a template "
                                       "that has the provider's template code.")


class Development:
    """Sends nothing: logs the message (the development and demo provider)."""

    def send(self, message: SmsMessage, config: SmsSettings) -> Result:
        logger.info("SMS (development provider, not sent) to %s: %s", message.number, message.body)
        return Result(True, message_id=f"dev-{out_id(message)}")


class Aliyun:
    RETRYABLE = {"isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "isp.RAM_PERMISSION_DENY", "Throttling",
                 "Throttling.User", "ServiceUnavailable", "InternalError"}

    def send(self, message: SmsMessage, config: SmsSettings) -> Result:
        if (missing := needs_template(message, "Aliyun SMS")) is not None:
            return missing
        from alibabacloud_dysmsapi20170525 import models
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config
        from darabonba.runtime import RuntimeOptions

        scheme, host = split_endpoint(config.endpoint, DEFAULT_ENDPOINTS[Provider.ALIYUN])
        ms = int(timeout() * 1000)
        client = Client(Config(
            access_key_id=config.access_key_id, access_key_secret=config.access_key_secret, endpoint=host,
            protocol=scheme, region_id=config.region or "cn-hangzhou", connect_timeout=ms, read_timeout=ms,
        ))
        number = e164(message.number)
        request = models.SendSmsRequest(
            phone_numbers=number[3:] if number.startswith("+86") else number[1:],
            sign_name=config.signature, template_code=message.template.provider_code,
            template_param=json.dumps(dict(template_values(message)), ensure_ascii=False), out_id=out_id(message),
        )
        try:
            response = client.send_sms_with_options(request, RuntimeOptions(autoretry=False))
        except Exception as exc:  # the SDK raises its own exception types for HTTP errors and network faults
            return self._error(exc)
        body = response.body
        if body.code == "OK":
            return Result(True, message_id=body.biz_id or "")
        return failed(body.code, body.message or "", retryable=body.code in self.RETRYABLE)

    def _error(self, exc: Exception) -> Result:
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

        if isinstance(exc, AlibabaCloudException):
            status = getattr(exc, "status_code", None) or 0
            code = getattr(exc, "code", "") or type(exc).__name__
            retry = status >= 500 or status == 429 or code in self.RETRYABLE
            return failed(code, getattr(exc, "message", "") or str(exc), retryable=retry)
        return network_error(exc)


class Tencent:
    # Frequency limits that pass within minutes, and the provider's own faults (ServerNetworkError:
    # the SDK's name for an HTTP 5xx answer).
    RETRYABLE = {"RequestLimitExceeded", "LimitExceeded.PhoneNumberThirtySecondLimit",
                 "LimitExceeded.PhoneNumberOneHourLimit", "InternalError", "InternalError.RequestTimeException",
                 "InternalError.Timeout", "InternalError.SendAndRecvFail", "FailedOperation.FailResolvePacket",
                 "ServerNetworkError"}

    def send(self, message: SmsMessage, config: SmsSettings) -> Result:
        if (missing := needs_template(message, "Tencent Cloud SMS")) is not None:
            return missing
        from tencentcloud.common import credential
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import models, sms_client

        scheme, host = split_endpoint(config.endpoint, DEFAULT_ENDPOINTS[Provider.TENCENT])
        http = HttpProfile(endpoint=host, reqTimeout=max(1, int(timeout())))
        http.scheme = scheme
        client = sms_client.SmsClient(
            credential.Credential(config.access_key_id, config.access_key_secret), config.region or "ap-guangzhou",
            ClientProfile(httpProfile=http),
        )
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [e164(message.number)]
        request.SmsSdkAppId = config.app_id
        request.SignName = config.signature
        request.TemplateId = message.template.provider_code
        request.TemplateParamSet = [value for _, value in template_values(message)]
        request.SessionContext = out_id(message)
        try:
            response = client.SendSms(request)
        except TencentCloudSDKException as exc:
            code = exc.get_code() or ""
            if code == "ClientNetworkError":
                return network_error(exc)
            return failed(code, exc.get_message() or "", retryable=code in self.RETRYABLE or code.startswith("InternalError"))
        except Exception as exc:
            return network_error(exc)
        status = (response.SendStatusSet or [None])[0]
        if status is None:
            return failed("EMPTY_ANSWER", "The provider answered without a send status.", ambiguous=True)
        if status.Code == "Ok":
            return Result(True, message_id=status.SerialNo or "")
        return failed(status.Code, status.Message or "", retryable=status.Code in self.RETRYABLE)


class Twilio:
    # 20429: too many requests; 20500/20503: Twilio's own faults.
    RETRYABLE = {20429, 20500, 20503}

    def send(self, message: SmsMessage, config: SmsSettings) -> Result:
        from twilio.base.exceptions import TwilioRestException
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        scheme, host = split_endpoint(config.endpoint, DEFAULT_ENDPOINTS[Provider.TWILIO])
        client = Client(config.access_key_id, config.access_key_secret,
                        http_client=TwilioHttpClient(timeout=timeout()))
        client.api.base_url = f"{scheme}://{host}"
        try:
            sent = client.messages.create(to=e164(message.number), from_=config.sender_number, body=message.body)
        except TwilioRestException as exc:
            retry = (exc.status or 0) >= 500 or exc.status == 429 or exc.code in self.RETRYABLE
            return failed(exc.code or exc.status, exc.msg or str(exc), retryable=retry)
        except Exception as exc:
            return network_error(exc)
        return Result(True, message_id=sent.sid or "")


PROVIDERS = {Provider.DEVELOPMENT: Development, Provider.ALIYUN: Aliyun, Provider.TENCENT: Tencent,
             Provider.TWILIO: Twilio}


def for_settings(config: SmsSettings):
    return PROVIDERS[Provider(config.provider)]()


def allowed_hosts() -> list[str]:
    """The operator's exceptions to "public addresses only" (never a company's setting)."""
    return list(getattr(django_settings, "SMS_ALLOWED_ENDPOINT_HOSTS", []))


def check_endpoint(endpoint: str) -> None:
    """``egress.ForbiddenDestination`` (naming the problem) unless a company may use ``endpoint``."""
    egress.check_endpoint(endpoint, allowed_hosts())


def send(message: SmsMessage, config: SmsSettings) -> Result:
    """Send through the company's provider, to a public endpoint only (checked again now: the
    setting may predate the rule, or its DNS may have changed)."""
    provider = for_settings(config)
    if isinstance(provider, Development):  # calls nothing
        return provider.send(message, config)
    allowed = egress.Allowance.of(allowed_hosts())
    if config.endpoint:
        try:
            egress.check_endpoint(config.endpoint, allowed)
        except egress.ForbiddenDestination as exc:
            return failed("ENDPOINT_REFUSED", str(exc))
    with egress.public_only(allowed):
        return provider.send(message, config)
