"""Placing a click-to-dial call: through the AMI adapter (a Redis queue it reads) or the cloud
vendor's callback API (a signed JSON POST, public addresses only)."""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from functools import cache

import redis
from django.conf import settings
from django.db import connection

from plugins.call_center.models import Call, Kind
from plugins.call_center.services import allowed_hosts, extension_of, telephony
from saas_core.egress import check_endpoint, public_only

log = logging.getLogger(__name__)

CALLBACK_TIMEOUT_SECONDS = 5


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def originate_queue() -> str:
    """The Redis list the AMI adapter (``crm ami``) reads Originate requests from."""
    return f"crm:{settings.DATABASES['default']['NAME']}:call_center:originate"


def originate(call_id: int) -> str:
    call = Call.objects.select_related("agent").filter(pk=call_id).first()
    if call is None or call.agent is None:
        return "gone"
    config = telephony()
    extension = extension_of(call.agent)
    if config.kind == Kind.AMI:
        request = {"schema": connection.schema_name, "call_id": call.call_id, "extension": extension,
                   "number": call.digits, "context": config.ami_context}
        _redis().rpush(originate_queue(), json.dumps(request))
        return "queued"
    if config.kind in (Kind.TINET, Kind.GENERIC) and config.callback_url:
        return _callback(config, call, extension)
    return "no telephony"


def _callback(config, call: Call, extension: str) -> str:
    from plugins.call_center.webhooks import signature

    body = json.dumps({"call_id": call.call_id, "agent": extension, "number": call.digits}).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(config.callback_url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "X-Signature-Timestamp": timestamp,
        "X-Signature": signature(config.webhook_secret, timestamp, body, vendor=Kind.GENERIC)})
    try:
        check_endpoint(_origin(config.callback_url), allowed_hosts())
        with public_only(allowed_hosts()), urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT_SECONDS):  # noqa: S310
            pass
    except Exception as exc:  # noqa: BLE001 - the call is logged as failed, the agent told
        log.warning("click-to-dial callback for call %s failed: %s", call.pk, exc)
        from django.utils import timezone

        from plugins.call_center.models import Result

        Call.objects.filter(pk=call.pk, ended_at__isnull=True).update(result=Result.FAILED, ended_at=timezone.now())
        return "failed"
    return "requested"


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
