"""Secrets companies store are encrypted at rest (the SMS secret: tests/plugins/sms/test_services.py),
readable with every configured key, and a stored value no key opens reads as empty (the company
enters it again) instead of failing."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from saas_core import encryption


def test_keys_rotate_and_a_value_no_key_opens_reads_empty(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.SECRETS_ENCRYPTION_KEYS = old
    token = encryption.encrypt("s3cret")
    settings.SECRETS_ENCRYPTION_KEYS = f"{new},{old}"  # the new key first: old values still read
    assert encryption.decrypt(token) == "s3cret"
    assert encryption.cipher().decrypt(encryption.encrypt("x")[7:].encode()) == b"x"
    settings.SECRETS_ENCRYPTION_KEYS = new
    assert encryption.decrypt(token) == ""
    assert encryption.decrypt("written-before-encryption") == "written-before-encryption"
    settings.SECRETS_ENCRYPTION_KEYS = "not-a-key"
    with pytest.raises(ImproperlyConfigured, match="SECRETS_ENCRYPTION_KEYS"):
        encryption.encrypt("x")
