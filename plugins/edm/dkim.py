"""DKIM keys, the DNS records a company publishes, and signing (dkimpy).

A domain gets an RSA-2048 key and a selector unique to the company (its schema's hash and a
counter), so two companies sending from the same parent domain never overwrite each other's key.
The records shown to publish:

- SPF (TXT at the domain): ``v=spf1 include:<the SMTP provider's SPF> ~all`` (``a mx`` when the
  company sends through its own server);
- DKIM (TXT at ``<selector>._domainkey.<domain>``): ``v=DKIM1; k=rsa; p=<public key>``;
- DMARC (TXT at ``_dmarc.<domain>``): ``v=DMARC1; p=none; rua=mailto:dmarc@<domain>`` (a policy
  the company may tighten later; any ``v=DMARC1`` record passes the check).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

import dkim as dkimpy
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import connection

SIGNED_HEADERS = [b"From", b"To", b"Subject", b"Date", b"Message-ID", b"MIME-Version", b"Content-Type",
                  b"List-Unsubscribe", b"List-Unsubscribe-Post", b"Reply-To"]


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_b64: str


def generate_key() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption()).decode()
    public_der = key.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    return KeyPair(private_pem, base64.b64encode(public_der).decode())


def new_selector(taken: set[str]) -> str:
    """``crm<8 hex of the company's schema><n>``: unique to the company and to this key."""
    company = hashlib.sha256(connection.schema_name.encode()).hexdigest()[:8]
    n = 1
    while f"crm{company}{n}" in taken:
        n += 1
    return f"crm{company}{n}"


@dataclass(frozen=True)
class Record:
    kind: str  # SPF, DKIM, DMARC
    host: str
    type: str
    value: str


def spf_value(smtp_host: str = "") -> str:
    include = getattr(settings, "EDM_SPF_INCLUDE", "")
    return f"v=spf1 include:{include} ~all" if include else "v=spf1 a mx ~all"


def dkim_value(public_b64: str) -> str:
    return f"v=DKIM1; k=rsa; p={public_b64}"


def records(domain, smtp_host: str = "") -> list[Record]:
    """What the company publishes in DNS for ``domain`` (a ``SendingDomain``)."""
    return [
        Record("SPF", domain.domain, "TXT", spf_value(smtp_host)),
        Record("DKIM", f"{domain.selector}._domainkey.{domain.domain}", "TXT", dkim_value(domain.dkim_public_key)),
        Record("DMARC", f"_dmarc.{domain.domain}", "TXT", f"v=DMARC1; p=none; rua=mailto:dmarc@{domain.domain}"),
    ]


def sign(message: bytes, domain) -> bytes:
    """The DKIM-Signature header (relaxed/relaxed, rsa-sha256) for ``message``, to put in front of it."""
    head = b"\r\n" + message.split(b"\r\n\r\n", 1)[0].lower()
    headers = [h for h in SIGNED_HEADERS if b"\r\n" + h.lower() + b":" in head]
    return dkimpy.sign(message, domain.selector.encode(), domain.domain.encode(),
                       domain.dkim_private_key.encode(), canonicalize=(b"relaxed", b"relaxed"),
                       include_headers=headers)
