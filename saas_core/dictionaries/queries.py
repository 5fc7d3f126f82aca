"""Lists shared by the dictionary pages and the API."""

from __future__ import annotations

from itertools import groupby

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from saas_core.dictionaries.models import DictionaryItem, DictionaryType


def visible_types() -> QuerySet[DictionaryType]:
    """The dictionary types of this company, without those of modules that are off."""
    from plugins.gate import hidden_dictionary_types

    hidden = hidden_dictionary_types()
    return DictionaryType.objects.exclude(key__in=hidden) if hidden else DictionaryType.objects.all()


def types(*, q: str = "", group: str = "") -> QuerySet[DictionaryType]:
    """Dictionary types with their value counts; ``q`` matches names and codes in both languages,
    and the labels of their values (searching “VIP” finds the customer category)."""
    qs = visible_types().annotate(
        item_count=Count("items"),
        active_count=Count("items", filter=Q(items__is_active=True)),
        disabled_count=Count("items", filter=Q(items__is_active=False)),
    )
    for word in q.split():
        value_matches = DictionaryItem.objects.filter(type=OuterRef("pk")).filter(
            Q(label_zh__icontains=word) | Q(label_en__icontains=word)
        )
        qs = qs.filter(
            Q(name_zh__icontains=word) | Q(name_en__icontains=word) | Q(key__icontains=word)
            | Q(description__icontains=word) | Exists(value_matches)
        )
    if group:
        qs = qs.filter(group=group)
    return qs.order_by("order", "id")


def grouped(type_list) -> list[tuple[str, str, list[DictionaryType]]]:
    """``[(group code, group label, [types...]), ...]`` in the order of ``DictionaryType.Group``."""
    order = {code: i for i, code in enumerate(DictionaryType.Group.values)}
    labels = dict(DictionaryType.Group.choices)
    ordered = sorted(type_list, key=lambda t: (order.get(t.group, len(order)), t.order, t.pk))
    return [(code, labels.get(code, code), list(items)) for code, items in groupby(ordered, key=lambda t: t.group)]


def items(dtype: DictionaryType, *, include_inactive: bool = True) -> QuerySet[DictionaryItem]:
    qs = DictionaryItem.objects.filter(type=dtype)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("order", "id")
