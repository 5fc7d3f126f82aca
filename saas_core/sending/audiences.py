"""Who a group send reaches: a saved filter over customers or contacts, within the sender's data scope.

Shared by the SMS group sends and the EDM campaigns: the filter keys a saved filter may hold
(those of ``customers.queries``), how they are read back from JSON, and the contacts a filter
reaches on one channel's field (``mobile`` or ``email``): customers by their primary contact
(the first contact that has the field), contacts themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from saas_core.customers import queries as customer_queries
from saas_core.customers.models import Contact

CUSTOMERS, CONTACTS = "customers", "contacts"
CUSTOMER_FILTERS = {"q": str, "view": str, "days": int, "name": str, "number": str, "kind": str, "status": str,
                    "category": int, "grade": int, "customer_type": int, "industry": int, "source": int,
                    "value_class": int, "province": str, "city": str, "owner": int, "hot": bool,
                    "created_from": date, "created_to": date, "contact_from": date, "contact_to": date}
CONTACT_FILTERS = {"q": str, "surname": str, "initial": str, "birthday_month": bool, "customer": int, "role": int,
                   "category": int}


def clean_filters(kind: str, filters: Mapping | None) -> dict:
    """A filter dict of ``customers.queries`` from JSON/form input: known keys, typed values."""
    if filters is not None and not isinstance(filters, Mapping):
        raise ValidationError({"filters": [_("Give the filters as an object of filter names and values.")]})
    allowed = CUSTOMER_FILTERS if kind == CUSTOMERS else CONTACT_FILTERS
    clean, errors = {}, {}
    for key, raw in (filters or {}).items():
        if key not in allowed:
            errors[key] = [_("Unknown filter.")]
            continue
        if raw in (None, "", [], ()):
            continue
        kind_of = allowed[key]
        try:
            if kind_of is int:
                clean[key] = int(raw)
            elif kind_of is bool:
                clean[key] = raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes", "on")
            elif kind_of is date:
                parsed = raw if isinstance(raw, date) else parse_date(str(raw))
                if parsed is None:
                    raise ValueError
                clean[key] = parsed
            else:
                clean[key] = str(raw).strip()[:100]
        except (TypeError, ValueError):
            errors[key] = [_("“%(value)s” is not a valid value.") % {"value": raw}]
    if errors:
        raise ValidationError({"filters": [f"{k}: {v[0]}" for k, v in errors.items()]})
    return clean


def filters_json(filters: Mapping) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in filters.items()}


def contacts(by, kind: str, filters: Mapping, field: str) -> tuple[QuerySet[Contact], QuerySet]:
    """(the contacts reached on ``field``, the records the filter matches) for ``by``'s data scope."""
    if kind == CUSTOMERS:
        customers = customer_queries.customer_list(by, filters).order_by()
        reached = (Contact.objects.filter(customer__in=customers.values("pk")).exclude(**{field: ""})
                   .order_by("customer_id", "-is_primary", "id").distinct("customer_id"))
        return reached, customers
    if kind == CONTACTS:
        matched = customer_queries.contact_list(by, filters)
        return matched.exclude(**{field: ""}), matched
    raise ValidationError({"kind": [_("Choose customers or contacts.")]})
