"""Unsubscribing (RFC 8058): a signed link per recipient that always works.

Every marketing message carries ``List-Unsubscribe`` (this link, and a mailto) and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``. A POST to the link (a mail client's
one-click button, or the confirmation page's button) suppresses the address at once, with no
session and no CSRF token; a GET only shows the confirmation page (mail scanners follow links:
a GET never unsubscribes). The link lives in the core, outside any module's gate: it keeps
working after the module that sent the message is switched off.

The token is signed (Django's signing, its own salt) and names the company's schema: a forged
or altered token, or one of another company, gets 404, and nothing is listed or revealed.
Modules that count unsubscribes register a listener, called with the token's ``source``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing
from django.db import connection

from saas_core.sending import addresses, suppression
from saas_core.sending.models import Reason

SALT = "saas_core.sending.unsubscribe"

_listeners: list[Callable[[str, str], None]] = []


def register_listener(listener: Callable[[str, str], None]) -> None:
    """``listener(source, address)`` after an unsubscribe (a module's counters); idempotent callers only."""
    if listener not in _listeners:
        _listeners.append(listener)


@dataclass(frozen=True)
class Subscription:
    channel: str
    address: str
    source: str


def token_for(channel: str, address: str, source: str = "") -> str:
    """The signed token of ``address`` (normalised as the suppression list matches it) for this company."""
    key = addresses.normalise(channel, address)
    return signing.dumps([connection.schema_name, channel, key, source], salt=SALT, compress=True)


def url_path(token: str) -> str:
    return f"/sending/unsubscribe/{token}/"


def read(token: str) -> Subscription | None:
    """The subscription a token names, if it is genuine and of the company of this request."""
    try:
        schema, channel, address, source = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if schema != connection.schema_name:
        return None
    return Subscription(channel, address, source)


def unsubscribe(subscription: Subscription) -> bool:
    """Suppress the address now; True when it was not on the list before (listeners told then)."""
    before = suppression.is_suppressed(subscription.channel, subscription.address)
    suppression.suppress(subscription.channel, subscription.address, reason=Reason.UNSUBSCRIBE,
                         source=subscription.source[:100])
    if not before:
        for listener in _listeners:
            listener(subscription.source, subscription.address)
    return not before


def masked(address: str) -> str:
    """``wa***@bj-tech.cn``: enough for the person to recognise, little for anyone else."""
    local, at, domain = address.partition("@")
    return (local[:2] + "***" + at + domain) if at else address[:3] + "****" + address[-2:]
