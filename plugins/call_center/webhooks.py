"""Cloud call centers' events: signed webhooks on the company's own host.

``POST /call_center/webhook/<vendor>/`` where ``vendor`` is the configured kind:

- ``generic``: JSON (one event or a list); the Boss maps the vendor's keys to ours
  (``Telephony.generic_mapping``). Signed with headers ``X-Signature-Timestamp`` (Unix seconds)
  and ``X-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>``.
- ``tinet``: a Tinet (天润融通)-style push: ``{"cdrMainUniqueId", "eventType": RING|ANSWER|HANGUP,
  "customerNumber", "hotline", "cno", "callType": 1 in / 4 out, "qno", "status", "recordFile",
  "eventTime", "seq"}``, signed with headers ``timestamp`` and ``sign`` = hex HMAC-SHA256(secret,
  timestamp + body).

A timestamp more than 5 minutes off is refused (replays), so is a wrong or missing signature
(401); a body that is not what the vendor sends is a 400 naming the field; every refusal is
logged. Accepted events are stored and answered at once; the processing runs after commit
(Celery). Nothing here answers 500: an unexpected failure is logged and answered 503.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from plugins.call_center import services
from plugins.call_center.models import Direction, EventKind, Kind, Result
from plugins.call_center.services import TelephonyEvent

log = logging.getLogger(__name__)

MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 256 * 1024

EVENT_NAMES = {
    "ring": EventKind.RINGING, "ringing": EventKind.RINGING, "alerting": EventKind.RINGING,
    "answer": EventKind.ANSWERED, "answered": EventKind.ANSWERED, "connected": EventKind.ANSWERED,
    "hangup": EventKind.ENDED, "end": EventKind.ENDED, "ended": EventKind.ENDED, "bye": EventKind.ENDED,
}
RESULT_NAMES = {"busy": Result.BUSY, "failed": Result.FAILED, "no_answer": Result.MISSED, "missed": Result.MISSED,
                "noanswer": Result.MISSED, "answered": Result.ANSWERED}
DIRECTIONS = {"in": Direction.INBOUND, "inbound": Direction.INBOUND, "1": Direction.INBOUND,
              "out": Direction.OUTBOUND, "outbound": Direction.OUTBOUND, "4": Direction.OUTBOUND}


class Refused(Exception):
    def __init__(self, status: int, errors: dict | str):
        super().__init__(str(errors))
        self.status, self.errors = status, errors


def signature(secret: str, timestamp: str, body: bytes, *, vendor: str) -> str:
    """The signature the vendor sends (also what the tests' simulator signs with)."""
    message = timestamp.encode() + (b"." if vendor == Kind.GENERIC else b"") + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}" if vendor == Kind.GENERIC else digest


def _headers(request: HttpRequest, vendor: str) -> tuple[str, str]:
    if vendor == Kind.GENERIC:
        return request.headers.get("X-Signature-Timestamp", ""), request.headers.get("X-Signature", "")
    return request.headers.get("timestamp", ""), request.headers.get("sign", "")


def verify(request: HttpRequest, vendor: str, secret: str) -> None:
    timestamp, sent = _headers(request, vendor)
    if not timestamp or not sent:
        raise Refused(401, "unsigned")
    try:
        skew = abs(time.time() - float(timestamp))
    except ValueError:
        raise Refused(401, "timestamp is not a number") from None
    if skew > MAX_SKEW_SECONDS:
        raise Refused(401, f"timestamp {skew:.0f} s off")
    if not secret or not hmac.compare_digest(sent, signature(secret, timestamp, request.body, vendor=vendor)):
        raise Refused(401, "bad signature")


def _when(value, name: str) -> datetime:
    if value in (None, ""):
        return datetime.now(UTC)
    try:
        if isinstance(value, int | float) or str(value).replace(".", "", 1).isdigit():
            number = float(value)
            return datetime.fromtimestamp(number / 1000 if number > 1e11 else number, UTC)
        parsed = datetime.fromisoformat(str(value))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        raise ValidationError({name: ["not a Unix time or ISO 8601 time"]}) from None


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _agents(value) -> list[str]:
    if isinstance(value, list):
        return [_text(v) for v in value if _text(v)]
    return [part.strip() for part in _text(value).split(",") if part.strip()]


def _sequence(value, name: str) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise ValidationError({name: ["not a whole number"]}) from None


def _event_name(value, name: str) -> str:
    event = EVENT_NAMES.get(_text(value).lower())
    if event is None:
        raise ValidationError({name: [f"unknown event {_text(value)!r}: ringing, answered or ended"]})
    return event


def parse_generic(item: dict, mapping: dict) -> TelephonyEvent:
    def get(name):
        return item.get(mapping.get(name, name))

    direction = DIRECTIONS.get(_text(get("direction")).lower() or "in")
    if direction is None:
        raise ValidationError({mapping["direction"]: ["in or out"]})
    return TelephonyEvent(
        vendor=Kind.GENERIC, call_id=_text(get("call_id")), event=_event_name(get("event"), mapping["event"]),
        at=_when(get("timestamp"), mapping["timestamp"]), sequence=_sequence(get("sequence"), mapping["sequence"]),
        caller=_text(get("caller")), callee=_text(get("callee")), agents=_agents(get("agent")),
        direction=direction, queue=_text(get("queue")), result=RESULT_NAMES.get(_text(get("result")).lower(), ""),
        recording_url=_text(get("recording_url")),
    )


def parse_tinet(item: dict) -> TelephonyEvent:
    direction = DIRECTIONS.get(_text(item.get("callType")) or "1")
    if direction is None:
        raise ValidationError({"callType": ["1 (incoming) or 4 (outgoing)"]})
    customer, hotline = _text(item.get("customerNumber")), _text(item.get("hotline"))
    return TelephonyEvent(
        vendor=Kind.TINET, call_id=_text(item.get("cdrMainUniqueId")),
        event=_event_name(item.get("eventType"), "eventType"), at=_when(item.get("eventTime"), "eventTime"),
        sequence=_sequence(item.get("seq"), "seq"),
        caller=customer if direction == Direction.INBOUND else hotline,
        callee=hotline if direction == Direction.INBOUND else customer,
        agents=_agents(item.get("cno")), direction=direction, queue=_text(item.get("qno")),
        result=RESULT_NAMES.get(_text(item.get("status")).lower(), ""), recording_url=_text(item.get("recordFile")),
    )


def parse(body: bytes, vendor: str, mapping: dict) -> list[TelephonyEvent]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, {"body": ["not JSON"]}) from None
    items = data if isinstance(data, list) else [data]
    if not items or len(items) > 100 or not all(isinstance(i, dict) for i in items):
        raise Refused(400, {"body": ["one event object, or a list of 1 to 100"]})
    events = []
    try:
        for item in items:
            event = parse_generic(item, mapping) if vendor == Kind.GENERIC else parse_tinet(item)
            services.validate_event(event)
            events.append(event)
    except ValidationError as exc:
        raise Refused(400, exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}) from None
    return events


@csrf_exempt
@require_POST
def receive(request: HttpRequest, vendor: str) -> JsonResponse:
    host = request.get_host()
    try:
        config = services.telephony()
        if vendor not in (Kind.TINET, Kind.GENERIC) or config.kind != vendor:
            raise Refused(404, "this company does not take events from this vendor")
        if len(request.body) > MAX_BODY_BYTES:
            raise Refused(400, {"body": ["too large"]})
        verify(request, vendor, config.webhook_secret)
        events = parse(request.body, vendor, config.mapping())
        new = services.ingest(events)
    except Refused as refusal:
        log.warning("call-center webhook refused (%s, %s on %s): %s", refusal.status, vendor, host, refusal.errors)
        body = {"errors": refusal.errors} if isinstance(refusal.errors, dict) else {"detail": refusal.errors}
        return JsonResponse(body, status=refusal.status)
    except Exception:
        log.exception("call-center webhook failed (%s on %s)", vendor, host)
        return JsonResponse({"detail": "try again"}, status=503, headers={"Retry-After": "5"})
    return JsonResponse({"accepted": new, "duplicates": len(events) - new})
