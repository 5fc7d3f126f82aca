"""How a planned moment reads: the day alone when only a day was given."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone


def day_or_moment(value: datetime | None) -> str:
    """"2026-12-09" when only a day was set (stored as that day's local midnight, so a time would
    be an invented "00:00", issue 14), else "2026-12-09 14:30", in the reader's time zone."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return local.strftime("%Y-%m-%d" if local.time() == time.min else "%Y-%m-%d %H:%M")
