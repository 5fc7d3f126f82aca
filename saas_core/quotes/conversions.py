"""The link point of "Convert to order" (QUO-01): the orders app registers a conversion here;
until something registers, the quote page shows no such button.

    from saas_core.quotes.conversions import register_conversion

    register_conversion("order", _("Convert to order"), convert=orders.services.from_quote,
                        permission=("contracts", "create"))

``convert(quote, by=user)`` creates the document and returns it (with ``get_absolute_url``); it
runs inside the transaction of ``run_conversion``, which holds a lock on the quote. Only an
accepted quote is offered for conversion. ``made_from(user, quote)`` lists what the quote became
(the documents of that kind ``user`` may see, linked back to it), shown on the quote's page. This
module imports no app above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Conversion:
    key: str
    label: str | Promise
    convert: Callable  # convert(quote, by=user) -> the new document
    permission: tuple[str, str] | None = None
    made_from: Callable | None = None  # made_from(user, quote) -> documents made from it, newest first


_conversions: dict[str, Conversion] = {}


def register_conversion(key: str, label: str | Promise, *, convert: Callable,
                        permission: tuple[str, str] | None = None, made_from: Callable | None = None) -> Conversion:
    conversion = _conversions[key] = Conversion(key, label, convert, tuple(permission) if permission else None,
                                                made_from)
    return conversion


def unregister_conversion(key: str) -> None:
    _conversions.pop(key, None)


def get_conversion(key: str) -> Conversion | None:
    return _conversions.get(key)


def conversions_for(user) -> list[Conversion]:
    """The registered conversions ``user`` may run."""
    from saas_core.org.access import can

    return [c for c in sorted(_conversions.values(), key=lambda c: c.key)
            if not c.permission or can(user, *c.permission)]


def results_for(user, quote) -> list:
    """What ``quote`` became that ``user`` may see: its contracts, orders, ... (each with
    ``get_absolute_url``, ``number`` and ``get_status_display``)."""
    from saas_core.org.access import can

    out = []
    for conversion in sorted(_conversions.values(), key=lambda c: c.key):
        if conversion.made_from and (not conversion.permission or can(user, conversion.permission[0], "view")):
            out.extend(conversion.made_from(user, quote))
    return out
