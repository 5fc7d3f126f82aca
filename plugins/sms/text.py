"""Message text: variables, the signature, and how a text splits into SMS parts.

GSM-7 texts (plain Latin letters, digits, common signs) fit 160 characters in one SMS and 153 per
part when longer (the other 7 carry the part header); characters of the GSM extension table
(``^{}\\[~]|€``) take two. Anything else (Chinese, emoji, ...) is sent as UCS-2: 70 characters in
one SMS, 67 per part when longer, as Chinese carriers bill it (长短信按67字/条); characters
outside the Basic Multilingual Plane (most emoji) take two. Chinese providers count the
signature 【…】 as part of the text, so the preview does too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = "^{}\\[~]|€\f"
_GSM_BASIC, _GSM_EXTENDED = frozenset(GSM_BASIC), frozenset(GSM_EXTENDED)

VARIABLES = ("customer", "contact", "owner", "sender", "company")
# A reminder texted to the person reminded (ACT-02) knows only these.
REMINDER_VARIABLES = ("title", "time", "company")
TEMPLATE_VARIABLES = (*VARIABLES, *(v for v in REMINDER_VARIABLES if v not in VARIABLES))
_VARIABLE = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Split:
    encoding: str  # "gsm7" or "ucs2"
    length: int  # in the encoding's units (septets or UTF-16 code units)
    parts: list[str]

    @property
    def count(self) -> int:
        return len(self.parts)

    @property
    def per_part(self) -> int:
        if self.encoding == "gsm7":
            return 160 if len(self.parts) <= 1 else 153
        return 70 if len(self.parts) <= 1 else 67


def is_gsm7(text: str) -> bool:
    return all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text)


def _units(ch: str, encoding: str) -> int:
    if encoding == "gsm7":
        return 2 if ch in _GSM_EXTENDED else 1
    return 2 if ord(ch) > 0xFFFF else 1


def split(text: str) -> Split:
    """The parts the text is sent as; a character is never cut in two between parts."""
    encoding = "gsm7" if is_gsm7(text) else "ucs2"
    single, multi = (160, 153) if encoding == "gsm7" else (70, 67)
    length = sum(_units(ch, encoding) for ch in text)
    if length <= single:
        return Split(encoding, length, [text] if text else [])
    parts, current, used = [], [], 0
    for ch in text:
        units = _units(ch, encoding)
        if used + units > multi:
            parts.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += units
    if current:
        parts.append("".join(current))
    return Split(encoding, length, parts)


def variables_in(body: str) -> list[str]:
    return list(dict.fromkeys(_VARIABLE.findall(body)))


def check_variables(body: str, field: str = "body", allowed: tuple[str, ...] = TEMPLATE_VARIABLES) -> None:
    unknown = [name for name in variables_in(body) if name not in allowed]
    if unknown:
        raise ValidationError({field: [
            _("Unknown variable %(names)s; use %(known)s.") % {
                "names": ", ".join(f"{{{n}}}" for n in unknown), "known": ", ".join(f"{{{v}}}" for v in allowed),
            }
        ]})


def render(body: str, values: dict[str, str]) -> str:
    """The body with its variables filled in (a missing value becomes empty)."""
    return _VARIABLE.sub(lambda m: str(values.get(m.group(1), "")) if m.group(1) in TEMPLATE_VARIABLES else m.group(0), body)


def with_signature(body: str, signature: str) -> str:
    return f"【{signature}】{body}" if signature else body


def cost(parts: int, price_per_part_minor: int) -> int:
    return parts * price_per_part_minor


def parts_needed(length: int, encoding: str) -> int:
    single, multi = (160, 153) if encoding == "gsm7" else (70, 67)
    return 1 if length <= single else math.ceil(length / multi)
