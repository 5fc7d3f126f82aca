"""Addresses the one way they are stored and matched, per channel.

A mobile number is its digits (``+86`` and separators dropped: ``+86 138-1234-5678`` is
``13812345678``), with a ``+`` kept for numbers of other countries; an e-mail address is
trimmed and lower-cased (mailbox names are case-insensitive at every provider our customers use,
and an unsubscribe must match however the address was typed).
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from saas_core.customers.phones import normalise_phone
from saas_core.sending.models import Channel


def mobile(raw: str, field_name: str = "number") -> str:
    """The number as it is stored and matched: digits, with a + for numbers given with one."""
    raw = (raw or "").strip()
    digits = normalise_phone(raw)
    if raw.startswith("+") and not raw.startswith("+86"):
        digits = "+" + "".join(ch for ch in raw if ch.isdigit())
    bare = digits.lstrip("+")
    if not (6 <= len(bare) <= 15):
        raise ValidationError({field_name: [_("“%(number)s” is not a mobile number.") % {"number": raw}]})
    return digits


def email(raw: str, field_name: str = "address") -> str:
    value = unicodedata.normalize("NFKC", raw or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError({field_name: [_("“%(address)s” is not an e-mail address.") % {"address": raw}]}) from None
    return value


def normalise(channel: str, raw: str, field_name: str = "address") -> str:
    """``raw`` as it is matched on ``channel``; ``ValidationError`` naming ``field_name`` if it is not one."""
    if channel == Channel.SMS:
        return mobile(raw, field_name)
    if channel == Channel.EMAIL:
        return email(raw, field_name)
    raise ValidationError({"channel": [_("Choose e-mail or SMS.")]})


def normalise_many(channel: str, raws) -> dict[str, str]:
    """{raw: normalised} of the ones that are valid (for filtering a list; invalid ones dropped)."""
    out = {}
    for raw in raws:
        if not raw:
            continue
        try:
            out[raw] = normalise(channel, raw)
        except ValidationError:
            continue
    return out
