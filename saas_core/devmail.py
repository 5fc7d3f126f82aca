"""The dev run's mail catcher: with no EMAIL_HOST set, ``crm run`` receives the product's
e-mail on a loopback SMTP server (aiosmtpd) and keeps each message as a file in a folder, which
the public site's /dev/mail/ page lists (web.views.dev_mail).

Never in production: the page answers only when DEV_MAIL_DIR is set, and only ``crm run`` sets
it, for the processes it starts."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

SHOWN = 100  # the newest messages the page lists


@dataclass(frozen=True)
class CaughtMail:
    received: datetime
    sender: str
    to: str
    subject: str
    body: str


class _KeepInFolder:
    """aiosmtpd handler: each message becomes ``<ns timestamp>-<uuid>.eml``, written under a
    temporary name first so the page never reads half a message."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.folder / name)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_catcher(folder: Path, port: int = 0):
    """Start the loopback SMTP server; returns its aiosmtpd Controller (``.port``, ``.stop()``)."""
    from aiosmtpd.controller import Controller

    # aiosmtpd logs every SMTP command at INFO ("mail.log"), which buried the dev run's console.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(_KeepInFolder(folder), hostname="127.0.0.1", port=port or _free_port())
    controller.start()
    return controller


def caught(folder: str | os.PathLike) -> list[CaughtMail]:
    """The newest messages in ``folder``, newest first."""
    files = sorted(Path(folder).glob("*.eml"), reverse=True)[:SHOWN]
    mails = []
    for path in files:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        part = message.get_body(preferencelist=("plain", "html"))
        mails.append(CaughtMail(
            received=datetime.fromtimestamp(int(path.name.split("-", 1)[0]) / 1e9, tz=UTC),
            sender=str(message.get("From", "")), to=str(message.get("To", "")),
            subject=str(message.get("Subject", "")), body=part.get_content() if part is not None else "",
        ))
    return mails
