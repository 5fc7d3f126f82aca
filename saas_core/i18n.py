"""Choices shared by users and companies for their locale settings."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The model fields' choices: every IANA zone with an area (the value stored; labels on forms).
TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz]

# Offered first on forms, with a name people know, in both languages; the rest follow by name.
COMMON_TIME_ZONES = [
    ("Asia/Shanghai", _("China Standard Time (Beijing, Shanghai)")),
    ("Asia/Hong_Kong", _("Hong Kong")),
    ("Asia/Macau", _("Macau")),
    ("Asia/Taipei", _("Taipei")),
    ("Asia/Urumqi", _("Urumqi (Xinjiang time)")),
    ("Asia/Singapore", _("Singapore")),
    ("Asia/Kuala_Lumpur", _("Kuala Lumpur")),
    ("Asia/Tokyo", _("Tokyo")),
    ("Asia/Seoul", _("Seoul")),
    ("Asia/Bangkok", _("Bangkok")),
    ("Asia/Ho_Chi_Minh", _("Ho Chi Minh City")),
    ("Asia/Jakarta", _("Jakarta")),
    ("Asia/Manila", _("Manila")),
    ("Asia/Kolkata", _("India (Kolkata, New Delhi)")),
    ("Asia/Dubai", _("Dubai")),
    ("Etc/UTC", _("Coordinated Universal Time (UTC)")),
    ("Europe/London", _("London")),
    ("Europe/Paris", _("Paris")),
    ("Europe/Berlin", _("Berlin")),
    ("Europe/Moscow", _("Moscow")),
    ("America/New_York", _("US Eastern Time (New York)")),
    ("America/Chicago", _("US Central Time (Chicago)")),
    ("America/Denver", _("US Mountain Time (Denver)")),
    ("America/Los_Angeles", _("US Pacific Time (Los Angeles)")),
    ("America/Vancouver", _("Vancouver")),
    ("America/Sao_Paulo", _("São Paulo")),
    ("Australia/Sydney", _("Sydney")),
    ("Pacific/Auckland", _("Auckland")),
]


def utc_offset(name: str, at: datetime | None = None) -> str:
    """The zone's offset from UTC now (summer time included), as UTC+08:00."""
    offset = (at or datetime.now(zoneinfo.ZoneInfo("UTC"))).astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def time_zone_choices() -> list:
    """Grouped choices for a time-zone select: the common zones with friendly labels in the
    user's language, then every other zone by its IANA name; each label starts with the offset."""
    common = {name for name, _label in COMMON_TIME_ZONES}
    return [
        (_("Common time zones"), [(name, f"{utc_offset(name)} {label}") for name, label in COMMON_TIME_ZONES]),
        (_("All time zones"), [
            (name, f"{utc_offset(name)} {name.replace('_', ' ')}") for name, _n in TIME_ZONE_CHOICES if name not in common
        ]),
    ]


@lru_cache(maxsize=1024)
def time_zone_words(name: str) -> str:
    """What a time zone answers to in a search: its IANA name and, for a common one, its label in
    both languages with the pinyin of the Chinese one (上海, shanghai, Shanghai all find it)."""
    from saas_core.regions import pinyin_forms

    words = [name, name.replace("_", " ").replace("/", " ")]
    label = dict(COMMON_TIME_ZONES).get(name)
    if label is not None:
        for language in ("en", "zh-hans"):
            with translation.override(language):
                words.append(str(label))
        words.extend(pinyin_forms(words[-1])[0])
    return " ".join(dict.fromkeys(words))
