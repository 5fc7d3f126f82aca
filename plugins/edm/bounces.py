"""Bounces and complaints (EDM-01): from signed provider webhooks and from the bounce mailbox.

Every campaign message names its recipient, signed, twice: in the ``X-CRM-Message`` header and,
when a bounce address is set, in the envelope sender (VERP: ``bounces+<id>-<mac>@domain``), so a
report leads back to exactly one recipient of this company and a forged one to none.

- **Hard or soft** comes from the DSN (RFC 3464): the ``Status`` of the per-recipient block,
  class 5 permanent (hard), class 4 or ``Action: delayed`` transient (soft). A bounce without a
  delivery-status part is read for an enhanced status code in its text, else taken as soft.
- **Complaints**: an ARF feedback report (RFC 5965) in the mailbox, or a provider's spam report.
- Hard bounces and complaints put the address on the suppression list; each report raises the
  campaign's counters once per recipient (a repeated report changes nothing) and may pause it
  (``limits``).
- The **mailbox** (POP3 or IMAP, standard library) is read by a periodic task; it only touches
  messages that carry our header or VERP address: those are recorded and deleted, anything else
  is left where it is, unread.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import json
import logging
import poplib
import re
import ssl
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from plugins.edm import limits
from plugins.edm.models import Campaign, CampaignEvent, CampaignRecipient, EdmSettings, Security
from saas_core import egress
from saas_core.sending import callbacks, suppression
from saas_core.sending.models import Channel, InboundCallback, Reason

logger = logging.getLogger(__name__)

HEADER = "X-CRM-Message"
SALT = "plugins.edm.bounces"
HARD, SOFT, COMPLAINT = "hard", "soft", "complaint"
MAILBOX_BATCH = 500
TIMEOUT = 30

TOKEN_RE = re.compile(rf"{HEADER}:\s*([A-Za-z0-9_]+\.\d+\.[0-9a-f]{{20}})", re.IGNORECASE)
VERP_RE = re.compile(r"\+(\d+)-([0-9a-f]{20})@", re.IGNORECASE)
STATUS_RE = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")


# --- naming the recipient ------------------------------------------------------------------------


def _mac(schema: str, recipient_id: int) -> str:
    return salted_hmac(SALT, f"{schema}:{recipient_id}", algorithm="sha256").hexdigest()[:20]


def message_token(recipient_id: int) -> str:
    schema = connection.schema_name
    return f"{schema}.{recipient_id}.{_mac(schema, recipient_id)}"


def read_token(token: str) -> int | None:
    """The recipient a genuine token of this company names, else None."""
    parts = (token or "").strip().rsplit(".", 2)
    if len(parts) != 3 or not parts[1].isdigit() or parts[0] != connection.schema_name:
        return None
    schema, recipient, mac = parts
    return int(recipient) if constant_time_compare(mac, _mac(schema, int(recipient))) else None


def envelope_sender(config: EdmSettings, recipient_id: int) -> str:
    """The bounce address with this recipient in it (VERP), or the sender address when none is set."""
    if not config.bounce_address:
        return config.from_address
    local, _at, domain = config.bounce_address.partition("@")
    return f"{local}+{recipient_id}-{_mac(connection.schema_name, recipient_id)}@{domain}"


def _verp_recipient(text: str) -> int | None:
    for match in VERP_RE.finditer(text):
        recipient_id = int(match.group(1))
        if constant_time_compare(match.group(2).lower(), _mac(connection.schema_name, recipient_id)):
            return recipient_id
    return None


# --- reading a report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    recipient_id: int
    kind: str  # HARD, SOFT or COMPLAINT
    status: str = ""  # the enhanced status code, e.g. 5.1.1
    detail: str = ""


def classify(status: str, action: str = "") -> str:
    """Hard or soft, from a DSN's ``Status`` (and ``Action``): class 5 is permanent."""
    if action.strip().lower() == "delayed":
        return SOFT
    return HARD if status.strip().startswith("5") else SOFT


def _ours(raw_text: str) -> int | None:
    for match in TOKEN_RE.finditer(raw_text):
        found = read_token(match.group(1))
        if found is not None:
            return found
    return _verp_recipient(raw_text)


def _dsn_fields(message: Message) -> tuple[str, str, str]:
    """(status, action, diagnostic) of the first per-recipient block of the delivery-status part."""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in part.get_payload() or []:
            if isinstance(block, Message) and (block.get("Status") or block.get("Action")):
                return (str(block.get("Status", "")).strip(), str(block.get("Action", "")).strip(),
                        str(block.get("Diagnostic-Code", "")).strip())
    return "", "", ""


def parse(raw: bytes) -> Report | None:
    """The report in a returned message, if it is about one of our messages; else None."""
    text = raw.decode("utf-8", "replace")
    recipient_id = _ours(text)
    if recipient_id is None:
        return None
    message = message_from_bytes(raw, policy=policy.compat32)
    if message.get_content_type() == "multipart/report" and \
            (message.get_param("report-type") or "").lower() == "feedback-report":
        return Report(recipient_id, COMPLAINT, detail=str(message.get("Subject", ""))[:300])
    status, action, diagnostic = _dsn_fields(message)
    if not status:
        found = STATUS_RE.search(text.split("\n\n", 1)[-1])
        status = ".".join(found.groups()) if found else ""
    if status.startswith("2") and action.lower() != "failed":
        return None  # a delivery notice ("delivered", "relayed"), not a bounce
    return Report(recipient_id, classify(status, action), status, (diagnostic or status)[:300])


# --- recording ---------------------------------------------------------------------------------


def record(report: Report) -> bool:
    """Apply one report: the recipient's state, the counters once, the suppression list, the limits.
    False when the recipient is unknown here."""
    recipient = CampaignRecipient.objects.filter(pk=report.recipient_id).first()
    if recipient is None:
        return False
    with transaction.atomic():
        rows = CampaignRecipient.objects.filter(pk=recipient.pk)
        counters: dict[str, F] = {}
        if report.kind == COMPLAINT:
            if rows.filter(complained_at__isnull=True).update(complained_at=timezone.now()):
                counters["complaints"] = F("complaints") + 1
            kind, reason = CampaignEvent.Kind.COMPLAINT, Reason.COMPLAINT
        elif report.kind == HARD:
            if rows.filter(bounce="").update(bounce=HARD):
                counters["bounces_hard"] = F("bounces_hard") + 1
            elif rows.filter(bounce=SOFT).update(bounce=HARD):  # a soft bounce that turned out permanent
                counters.update(bounces_hard=F("bounces_hard") + 1, bounces_soft=F("bounces_soft") - 1)
            kind, reason = CampaignEvent.Kind.BOUNCE_HARD, Reason.HARD_BOUNCE
        else:
            if rows.filter(bounce="").update(bounce=SOFT):
                counters["bounces_soft"] = F("bounces_soft") + 1
            kind, reason = CampaignEvent.Kind.BOUNCE_SOFT, None
        if counters:
            Campaign.objects.filter(pk=recipient.campaign_id).update(**counters)
        CampaignEvent.objects.create(campaign_id=recipient.campaign_id, recipient=recipient, kind=kind,
                                     detail=report.detail or report.status)
        if reason is not None:
            suppression.suppress(Channel.EMAIL, recipient.email, reason=reason, source=f"edm:{recipient.campaign_id}")
    limits.check(recipient.campaign_id)
    return True


# --- provider webhooks ---------------------------------------------------------------------------

GENERIC_KIND = "edm-events"
SENDGRID_KIND = "edm-sendgrid"


def _config() -> EdmSettings:
    from plugins.edm.services import edm_settings

    return edm_settings()


def _enabled(request) -> bool:
    from plugins import enablement

    return enablement.is_enabled("edm", getattr(request, "tenant", None))


def verify_generic(request) -> bool:
    """Our own scheme (``callbacks.sign``: HMAC-SHA256 over "t.body", 5 minutes' tolerance)."""
    return callbacks.verify_hmac(_config().webhook_secret, request.body, request.headers.get("X-CRM-Signature", ""))


def process_generic(row: InboundCallback) -> None:
    """``{"events": [{"event": "bounce"|"complaint", "message": <X-CRM-Message>, "status": "5.1.1",
    "detail": "..."}]}``: the shape a relay or script posts (documented in the README)."""
    events = json.loads(row.body).get("events", [])
    for event in events:
        recipient_id = read_token(str(event.get("message", "")))
        if recipient_id is None:
            continue
        status = str(event.get("status", ""))
        if event.get("event") == "complaint":
            record(Report(recipient_id, COMPLAINT, detail=str(event.get("detail", ""))[:300]))
        elif event.get("event") == "bounce":
            record(Report(recipient_id, classify(status), status, str(event.get("detail", ""))[:300]))


def verify_sendgrid(request) -> bool:
    """SendGrid's signed Event Webhook: ECDSA P-256/SHA-256 over timestamp + body, with the
    verification key from SendGrid's settings (base64 DER public key)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key_b64 = _config().sendgrid_verification_key.strip()
    signature = request.headers.get("X-Twilio-Email-Event-Webhook-Signature", "")
    timestamp = request.headers.get("X-Twilio-Email-Event-Webhook-Timestamp", "")
    if not key_b64 or not signature or not timestamp.isdigit():
        return False
    if abs(timezone.now().timestamp() - int(timestamp)) > callbacks.TOLERANCE_SECONDS:
        return False
    try:
        key = serialization.load_der_public_key(base64.b64decode(key_b64))
        key.verify(base64.b64decode(signature), timestamp.encode() + request.body, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return isinstance(key, ec.EllipticCurvePublicKey)


def process_sendgrid(row: InboundCallback) -> None:
    """SendGrid's events (a JSON list); ours carry ``crm_message`` (the unique argument we set)."""
    for event in json.loads(row.body):
        recipient_id = read_token(str(event.get("crm_message", "")))
        if recipient_id is None:
            continue
        kind = event.get("event")
        if kind == "spamreport":
            record(Report(recipient_id, COMPLAINT, detail="spamreport"))
        elif kind in ("bounce", "dropped"):
            status = str(event.get("status", ""))
            hard = kind == "dropped" or event.get("type") != "blocked" and classify(status) == HARD
            record(Report(recipient_id, HARD if hard else SOFT, status, str(event.get("reason", ""))[:300]))


def sendgrid_header(recipient_id: int) -> str:
    """``X-SMTPAPI`` for SendGrid's SMTP relay: the token comes back in every event as ``crm_message``."""
    return json.dumps({"unique_args": {"crm_message": message_token(recipient_id)}})


def register_webhooks() -> None:
    callbacks.register(callbacks.Handler(kind=GENERIC_KIND, verify=verify_generic, process=process_generic,
                                         enabled=_enabled))
    callbacks.register(callbacks.Handler(kind=SENDGRID_KIND, verify=verify_sendgrid, process=process_sendgrid,
                                         enabled=_enabled))


# --- the bounce mailbox --------------------------------------------------------------------------


def _check_host(config: EdmSettings) -> None:
    from plugins.edm.services import allowed_smtp_hosts

    egress.check_host(config.bounce_host, config.bounce_port, allowed_smtp_hosts())


def _pop3(config: EdmSettings):
    port = config.bounce_port or (995 if config.bounce_security == Security.SSL else 110)
    if config.bounce_security == Security.SSL:
        box = poplib.POP3_SSL(config.bounce_host, port, timeout=TIMEOUT, context=ssl.create_default_context())
    else:
        box = poplib.POP3(config.bounce_host, port, timeout=TIMEOUT)
        if config.bounce_security == Security.STARTTLS:
            box.stls(ssl.create_default_context())
    box.user(config.bounce_username)
    box.pass_(config.bounce_password)
    return box


def _read_pop3(config: EdmSettings) -> tuple[int, int]:
    box = _pop3(config)
    seen = handled = 0
    try:
        count, _size = box.stat()
        for number in range(1, min(count, MAILBOX_BATCH) + 1):
            _resp, lines, _octets = box.retr(number)
            seen += 1
            if _handle(b"\r\n".join(lines)):
                box.dele(number)
                handled += 1
        box.quit()  # deletions take effect only on QUIT
    except BaseException:
        with contextlib.suppress(Exception):
            box.close()
        raise
    return seen, handled


def _read_imap(config: EdmSettings) -> tuple[int, int]:
    port = config.bounce_port or (993 if config.bounce_security == Security.SSL else 143)
    if config.bounce_security == Security.SSL:
        box = imaplib.IMAP4_SSL(config.bounce_host, port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT)
    else:
        box = imaplib.IMAP4(config.bounce_host, port, timeout=TIMEOUT)
        if config.bounce_security == Security.STARTTLS:
            box.starttls(ssl.create_default_context())
    seen = handled = 0
    try:
        box.login(config.bounce_username, config.bounce_password)
        box.select("INBOX")
        _typ, data = box.uid("SEARCH", None, "ALL")
        for uid in (data[0] or b"").split()[:MAILBOX_BATCH]:
            _typ, parts = box.uid("FETCH", uid, "(BODY.PEEK[])")  # PEEK: others' messages stay unread
            raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
            seen += 1
            if _handle(raw):
                box.uid("STORE", uid, "+FLAGS", r"(\Deleted)")
                handled += 1
        box.expunge()
        box.logout()
    except BaseException:
        with contextlib.suppress(Exception):
            box.shutdown()
        raise
    return seen, handled


def _handle(raw: bytes) -> bool:
    report = parse(raw)
    if report is None:
        return False
    record(report)
    return True


def read_mailbox() -> tuple[int, int]:
    """Read the bounce mailbox once: (messages looked at, reports of ours recorded and deleted)."""
    config = _config()
    if not config.bounce_protocol or not config.bounce_host:
        return 0, 0
    _check_host(config)
    return _read_imap(config) if config.bounce_protocol == "imap" else _read_pop3(config)
