"""Document numbers from a company-configurable pattern, gap-free per year, never given twice.

A pattern holds ``{SEQ}`` (or ``{SEQ:n}``, zero-padded to n digits) and the year (``{YYYY}`` or
``{YY}``), optionally ``{MM}`` and ``{DD}``, e.g. ``HT{YYYY}{MM}-{SEQ:4}`` → HT202612-0007. The
sequence restarts each year. ``next_number`` must run inside the transaction that stores the
document: it locks the year's counter row (SELECT … FOR UPDATE), so two people saving at once
get consecutive numbers, and a save that fails rolls the counter back with it (no gap). The
document's unique constraint is the last guard.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas_core.contracts.models import NumberCounter, NumberPattern

DEFAULTS = {"contract": "HT{YYYY}{MM}-{SEQ:4}", "order": "DD{YYYY}{MM}-{SEQ:5}", "shipment": "FH{YYYY}{MM}-{SEQ:5}",
            "payment": "HK{YYYY}{MM}-{SEQ:5}"}
LABELS = {"contract": gettext_lazy("Contracts"), "order": gettext_lazy("Orders"),
          "shipment": gettext_lazy("Shipments"),
          "payment": gettext_lazy("Payment records")}
# The documents that carry each key's numbers (an imported one may hold a number already).
MODELS = {"contract": "contracts.Contract", "order": "orders.Order", "shipment": "orders.Shipment",
          "payment": "payments.PaymentRecord"}
TOKEN = re.compile(r"\{(YYYY|YY|MM|DD|SEQ(?::(\d))?)\}")
MAX_LENGTH = 40


def pattern_of(key: str) -> str:
    return NumberPattern.objects.filter(key=key).values_list("pattern", flat=True).first() or DEFAULTS[key]


def render(pattern: str, day: date, seq: int) -> str:
    def token(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("SEQ"):
            return str(seq).zfill(int(match.group(2) or 1))
        return {"YYYY": f"{day:%Y}", "YY": f"{day:%y}", "MM": f"{day:%m}", "DD": f"{day:%d}"}[name]

    return TOKEN.sub(token, pattern)


def check_pattern(pattern: str) -> str:
    """The pattern, stripped; ValidationError naming what is missing."""
    pattern = (pattern or "").strip()
    names = [m.group(1) for m in TOKEN.finditer(pattern)]
    if not any(n.startswith("SEQ") for n in names):
        raise ValidationError({"pattern": [_("The pattern needs {SEQ} (or {SEQ:4} for four digits).")]})
    if not {"YYYY", "YY"} & set(names):
        raise ValidationError({"pattern": [_("The pattern needs the year, {YYYY} or {YY}: the sequence restarts "
                                             "each year.")]})
    if re.search(r"[{}]", TOKEN.sub("", pattern)):
        raise ValidationError({"pattern": [_("Only {YYYY}, {YY}, {MM}, {DD} and {SEQ} may stand in braces.")]})
    if len(render(pattern, date(2099, 12, 31), 99999)) > MAX_LENGTH:
        raise ValidationError({"pattern": [_("Numbers from this pattern would be too long (at most %(n)d "
                                             "characters).") % {"n": MAX_LENGTH}]})
    return pattern


def set_pattern(key: str, pattern: str) -> NumberPattern:
    if key not in DEFAULTS:
        raise ValidationError({"key": [_("Unknown document type.")]})
    row, _created = NumberPattern.objects.update_or_create(key=key, defaults={"pattern": check_pattern(pattern)})
    return row


def next_number(key: str, day: date) -> str:
    """The next number of ``key`` for ``day``'s year; call inside the document's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that stores the document")
    try:
        with transaction.atomic():
            NumberCounter.objects.get_or_create(key=key, year=day.year)
    except IntegrityError:
        pass  # made by a concurrent first document of the year: lock that one
    counter = NumberCounter.objects.select_for_update().get(key=key, year=day.year)
    pattern = pattern_of(key)
    counter.last += 1
    # An imported document may hold a number of the pattern already: skip it (never given twice).
    while _taken(key, render(pattern, day, counter.last)):
        counter.last += 1
    counter.save(update_fields=["last"])
    return render(pattern, day, counter.last)


def _taken(key: str, number: str) -> bool:
    from django.apps import apps

    return apps.get_model(MODELS[key])._base_manager.filter(number=number).exists()
