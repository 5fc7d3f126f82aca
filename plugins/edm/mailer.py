"""Building, signing and handing over e-mails through the company's SMTP server.

A message is built with the standard library (``email.message.EmailMessage``, CRLF, SMTP policy),
signed with the sending domain's DKIM key (``dkim.sign``) and handed over on a pooled connection
(``SmtpPool``: up to ``pool_size`` open connections per worker, reused between messages, replaced
when the server drops one). The server's answer decides the record: 250 → sent; a 5xx reply →
failed (not retried); a 4xx reply or a refused connection → retry later; a connection lost after
the data went out → unknown, never resent (the server may have taken it).
"""

from __future__ import annotations

import contextlib
import queue
import smtplib
import socket
import ssl
from collections.abc import Mapping
from contextlib import contextmanager
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from plugins.edm import dkim
from plugins.edm.models import EdmSettings, Security, SendingDomain
from saas_core import egress
from saas_core.sending.records import Result, failed

TIMEOUT = 30


def build(*, config: EdmSettings, domain: SendingDomain, to: str, subject: str, html: str, text: str,
          headers: Mapping[str, str] | None = None) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    local, _at, host = config.from_address.partition("@")
    message["From"] = Address(config.from_name or "", local, host)
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=domain.domain)
    if config.reply_to:
        message["Reply-To"] = config.reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    # base64 named, not chosen: the content manager would otherwise encode a large body both
    # ways to pick the shorter (most of the time of building a 30 KB message).
    message.set_content(text or "", cte="base64")
    if html:
        message.add_alternative(html, subtype="html", cte="base64")
    return message


def signed_bytes(message: EmailMessage, domain: SendingDomain) -> bytes:
    raw = message.as_bytes(policy=SMTP)
    return dkim.sign(raw, domain) + raw


def _connect(config: EdmSettings) -> smtplib.SMTP:
    egress.check_host(config.smtp_host, config.smtp_port, _allowed())
    context = ssl.create_default_context()
    if config.smtp_security == Security.SSL:
        conn: smtplib.SMTP = smtplib.SMTP_SSL(config.smtp_host, config.smtp_port, timeout=TIMEOUT, context=context)
    else:
        conn = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=TIMEOUT)
        if config.smtp_security == Security.STARTTLS:
            conn.starttls(context=context)
    if config.smtp_username:
        conn.login(config.smtp_username, config.smtp_password)
    return conn


def _allowed() -> list[str]:
    from plugins.edm.services import allowed_smtp_hosts

    return allowed_smtp_hosts()


class SmtpPool:
    """Open connections to one server, shared by the sends of one worker (thread-safe)."""

    def __init__(self, config: EdmSettings, size: int | None = None):
        self.config = config
        self.size = max(1, int(size or config.pool_size or 1))
        self._idle: queue.LifoQueue[smtplib.SMTP] = queue.LifoQueue()

    @contextmanager
    def connection(self):
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = _connect(self.config)
        try:
            yield conn
        except BaseException:
            _quietly_close(conn)
            raise
        else:
            if self._idle.qsize() < self.size:
                self._idle.put(conn)
            else:
                _quietly_close(conn)

    def send(self, sender: str, to: str, data: bytes) -> Result:
        """Hand one message over; the server's answer as a ``Result``."""
        try:
            with self.connection() as conn:
                try:
                    conn.rset()  # a reused connection: start clean (and see that it is alive)
                except smtplib.SMTPServerDisconnected:
                    raise _Reconnect() from None
                return _hand_over(conn, sender, to, data)
        except _Reconnect:
            try:
                with self.connection() as conn:
                    return _hand_over(conn, sender, to, data)
            except Exception as exc:  # noqa: BLE001 - classified
                return _classify(exc)
        except Exception as exc:  # noqa: BLE001 - classified
            return _classify(exc)

    def close(self) -> None:
        while True:
            try:
                _quietly_close(self._idle.get_nowait())
            except queue.Empty:
                return


class _Reconnect(Exception):
    pass


def _hand_over(conn: smtplib.SMTP, sender: str, to: str, data: bytes) -> Result:
    try:
        conn.sendmail(sender, [to], data)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        return _reply_result(code, reply)
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        return _reply_result(exc.smtp_code, exc.smtp_error)
    return Result(True)


def _reply_result(code: int, reply: bytes | str) -> Result:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return failed(str(code), text[:2000], retryable=400 <= int(code) < 500)


def _classify(exc: BaseException) -> Result:
    if isinstance(exc, egress.ForbiddenDestination):
        return failed("SERVER_REFUSED", str(exc))
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return failed(str(exc.smtp_code), _text(exc.smtp_error))
    if isinstance(exc, ConnectionRefusedError | socket.gaierror | smtplib.SMTPConnectError):
        return failed("CONNECTION_REFUSED", str(exc), retryable=True)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply_result(exc.smtp_code, exc.smtp_error)
    return failed("NO_ANSWER", f"{type(exc).__name__}: {exc}"[:1000], ambiguous=True)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _quietly_close(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except Exception:  # noqa: BLE001 - closing a connection that may be gone already
        with contextlib.suppress(Exception):
            conn.close()
