"""Phone numbers as typed (shown as entered) and normalised (matched)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_EXTENSION = re.compile(r"(转|ext\.?|x|分机)\s*\d+\s*$", re.IGNORECASE)
_NOT_DIGIT = re.compile(r"\D")


@lru_cache(maxsize=65536)  # an import normalises each number several times (duplicates, index rows)
def normalise_phone(raw: str) -> str:
    """Digits only: full-width digits folded, spaces/dashes/brackets dropped, +86/0086 removed,
    an extension (转 8001, ext. 12) cut off. ``'+86 138-1234 5678'`` → ``'13812345678'``."""
    if raw and raw.isascii() and raw.isdigit():  # digits as typed: nothing to fold, strip or cut
        text = digits = raw
    else:
        text = unicodedata.normalize("NFKC", raw or "").strip()
        text = _EXTENSION.sub("", text)
        digits = _NOT_DIGIT.sub("", text)
    international = text.startswith("+86") or digits.startswith("0086")
    if international:
        digits = digits[2:] if text.startswith("+86") else digits[4:]
    elif digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        digits = digits[2:]
    if international and digits and not (len(digits) == 11 and digits.startswith("1")):
        digits = "0" + digits  # a landline dialled from abroad drops its trunk 0: +86 10 … is 010 …
    return digits


def reversed_digits(raw: str) -> str:
    """Stored reversed, so "ends with 5678" is an indexed prefix search."""
    return normalise_phone(raw)[::-1]
