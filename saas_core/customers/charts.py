"""Charts of a customer list (CUS-01): counts by kind, type, status, source, industry, province,
value class and owner, for whatever list (filters and data scope applied) they are given.

One GROUP BY per dimension over the filtered list; labels come from the cached dictionaries
and one look-up of the owners, so the cost does not grow with the number of groups.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas_core.customers.models import Customer
from saas_core.customers.queries import DICTIONARY_FILTERS
from saas_core.dictionaries.services import items_for

CHART_DIMENSIONS: dict[str, tuple[str, str | Promise, str]] = {
    # key: (field, title, chart kind)
    "kind": ("kind", gettext_lazy("Kind"), "pie"),
    "customer_type": ("customer_type_id", gettext_lazy("Customer type"), "pie"),
    "status": ("status", gettext_lazy("Status"), "pie"),
    "source": ("source_id", gettext_lazy("Source"), "bar"),
    "industry": ("industry_id", gettext_lazy("Industry"), "bar"),
    "province": ("province", gettext_lazy("Province"), "bar"),
    "value_class": ("value_class_id", gettext_lazy("Value class"), "pie"),
    "owner": ("owner_id", gettext_lazy("Owner"), "bar"),
}
CHART_TOP = 15
OTHERS = "__others__"


def chart_counts(queryset: QuerySet[Customer], dimension: str, *, top: int = CHART_TOP) -> list[dict]:
    """``[{"key", "label", "value"}]`` of one dimension, largest first; beyond ``top`` summed as "Others"."""
    field = CHART_DIMENSIONS[dimension][0]
    rows = list(queryset.order_by().values(field).annotate(n=Count("pk")).order_by("-n", field))
    labels = _labels(dimension, [r[field] for r in rows[:top]])
    out = [{"key": r[field], "label": labels[r[field]], "value": r["n"]} for r in rows[:top]]
    rest = sum(r["n"] for r in rows[top:])
    if rest:
        out.append({"key": OTHERS, "label": _("Others"), "value": rest})
    return out


def _labels(dimension: str, keys: list) -> dict:
    unset = _("Not set")
    if dimension in ("kind", "status"):
        choices = dict(Customer._meta.get_field(dimension).flatchoices)
        return {k: str(choices.get(k, k)) if k else unset for k in keys}
    if dimension == "province":
        return {k: k or unset for k in keys}
    if dimension == "owner":
        from saas_core.accounts.models import User

        users = User.all_objects.in_bulk([k for k in keys if k])
        return {k: (str(users[k]) if k in users else f"#{k}") if k else _("Public pool") for k in keys}
    items = {i.pk: i.label for i in items_for(DICTIONARY_FILTERS[dimension], include_inactive=True)}
    return {k: items.get(k, f"#{k}") if k else unset for k in keys}


@dataclass(frozen=True)
class ExtraChart:
    """A chart another app adds over the same list (receivables: top 10 by contract amount and by
    payments): ``data(customers, user)`` → ``[{"key", "label", "value"}]``, an SQL aggregate."""

    key: str
    title: str | Promise
    kind: str
    data: Callable
    permission: tuple[str, str] | None = None


_extra: dict[str, ExtraChart] = {}


def register_chart(key: str, title: str | Promise, kind: str, data: Callable, *,
                   permission: tuple[str, str] | None = None) -> ExtraChart:
    chart = _extra[key] = ExtraChart(key, title, kind, data, permission)
    return chart


def extra_charts(user) -> list[ExtraChart]:
    from saas_core.org.access import can

    return [c for c in _extra.values() if c.permission is None or can(user, *c.permission)]


def customer_charts(queryset: QuerySet[Customer], user=None) -> dict:
    """Every chart of a (filtered, scoped) customer list: ``{"total": n, "charts": [{key, title, type, data}]}``;
    with ``user``, the charts other apps registered that the user may see too."""
    queryset = queryset.order_by()
    return {
        "total": queryset.count(),
        "charts": [
            {"key": key, "title": str(title), "type": kind, "data": chart_counts(queryset, key)}
            for key, (_field, title, kind) in CHART_DIMENSIONS.items()
        ] + [{"key": c.key, "title": str(c.title), "type": c.kind, "data": c.data(queryset, user)}
             for c in (extra_charts(user) if user is not None else [])],
    }
