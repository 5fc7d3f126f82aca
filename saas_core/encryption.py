"""Secrets a company stores with us (its SMS gateway's key, ...) are encrypted at rest.

A database dump or backup alone does not give away a company's credentials: the value is
stored as ``fernet:<token>`` (Fernet: AES-128-CBC with an HMAC-SHA256, from ``cryptography``),
under the keys of ``SECRETS_ENCRYPTION_KEYS`` (comma-separated Fernet keys; the first encrypts,
all decrypt, so a key is rotated by putting a new one first and re-saving). Unset, one key is
derived from ``SECRET_KEY``, which then must not change. Values written before encryption (no
prefix) are read as they are and encrypted when next saved.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

log = logging.getLogger(__name__)

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _cipher(keys: str, secret_key: str) -> MultiFernet:
    try:
        fernets = [Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()]
    except ValueError as exc:
        raise ImproperlyConfigured(f"SECRETS_ENCRYPTION_KEYS holds a key that is not a Fernet key: {exc}") from exc
    if not fernets:
        derived = hashlib.sha256(b"crm-secrets-at-rest:" + secret_key.encode()).digest()
        fernets = [Fernet(base64.urlsafe_b64encode(derived))]
    return MultiFernet(fernets)


def cipher() -> MultiFernet:
    return _cipher(getattr(settings, "SECRETS_ENCRYPTION_KEYS", "") or "", settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if not value or value.startswith(PREFIX):
        return value
    return PREFIX + cipher().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    """The plain value; "" when no key opens it (logged: the company enters it again)."""
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    try:
        return cipher().decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken:
        log.error("a stored secret cannot be decrypted with SECRETS_ENCRYPTION_KEYS (or SECRET_KEY); it reads as empty")
        return ""


class EncryptedTextField(models.TextField):
    """A text the program reads and writes in plain, kept encrypted in the database.

    Not searchable or sortable by its value (each encryption differs), so only for secrets."""

    def from_db_value(self, value, expression, connection):
        return value if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value is None else encrypt(value)
