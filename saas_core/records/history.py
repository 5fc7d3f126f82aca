"""The data log (LOG-01): a record's field-level history, read from pghistory's events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pghistory.models
from django.db.models import Model
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from saas_core import moments
from saas_core.accounts.models import User
from saas_core.records.registry import record_type


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class LogEntry:
    at: datetime
    action: str
    user: User | None
    url: str
    changes: list[Change]


def _display(model: type[Model], name: str, value) -> str:
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field that no longer exists shows raw
        return "" if value is None else str(value)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return _("yes") if value else _("no")
    if kind == "DateTimeField" and isinstance(value, str) and (moment := parse_datetime(value)):
        # Events keep values as JSON text in UTC; show them in the reader's time zone, without
        # an invented 00:00 where only a day was set.
        return moments.day_or_moment(moment)
    if kind == "DateField" and isinstance(value, str) and (day := parse_date(value)):
        return date_format(day, "Y-m-d")
    if field.is_relation and field.related_model is not None:
        target = field.related_model._base_manager.filter(pk=value).first()
        return str(target) if target is not None else f"#{value}"
    return str(value)


def _label(model: type[Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001
        return name


def history_of(obj: Model) -> list[LogEntry]:
    """Newest first: who did what, when, and each field's old → new value."""
    rt = record_type(obj)
    if rt is None:
        raise TypeError(f"{type(obj).__name__} is not a registered business record")
    model = type(obj)
    hidden = {"id", "created_at", "updated_at", "deleted_at", "bin_entry", *rt.history_exclude}
    events = list(pghistory.models.Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id"))
    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context}
    users = User.all_objects.in_bulk([u for u in user_ids if u])
    log = []
    for event in events:
        context = event.pgh_context or {}
        diff = event.pgh_diff or {}
        if event.pgh_label == "insert":
            data = event.pgh_data or {}
            changes = [Change(_label(model, k), "", _display(model, k.removesuffix("_id"), v))
                       for k, v in data.items() if k.removesuffix("_id") not in hidden and v not in (None, "")]
            action = pgettext("data log action", "created")
        else:
            changes = [
                Change(_label(model, k.removesuffix("_id")), _display(model, k.removesuffix("_id"), old),
                       _display(model, k.removesuffix("_id"), new))
                for k, (old, new) in diff.items() if k.removesuffix("_id") not in hidden
            ]
            if "deleted_at" in diff:
                action = pgettext("data log action", "moved to the recycle bin") if diff["deleted_at"][1] else pgettext("data log action", "restored")
            else:
                action = pgettext("data log action", "changed")
            if not changes and "deleted_at" not in diff:
                continue
        log.append(LogEntry(event.pgh_created_at, action, users.get(context.get("user")), context.get("url", ""), changes))
    return log
