"""Installed modules into the data they need: billing's catalogue and each tenant's dictionaries.

``sync_modules`` adds a ``billing.Module`` row for every installed module that has none (the
vendor's prices and texts are never overwritten); ``seed_dictionaries`` adds the modules'
dictionary types and values missing in the current tenant schema (the Boss's edits stay).
Both run after every ``migrate`` (post_migrate of the ``plugins`` app) and from
``manage.py sync_modules``.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import translation

from plugins import manager


def sync_modules() -> list[str]:
    """Create the missing ``billing.Module`` rows; returns the keys it created."""
    from billing.models import Module

    created = []
    with translation.override("en"):
        for info in manager.module_infos():
            _, made = Module.objects.get_or_create(
                key=info["key"],
                defaults={"name": str(info.get("name") or info["key"])[:100],
                          "description": str(info.get("description") or ""),
                          "sort_order": int(info.get("order", 100))},
            )
            if made:
                created.append(info["key"])
    return created


@transaction.atomic
def seed_dictionaries() -> int:
    """Add the modules' missing dictionary types and values here; returns how many values it added."""
    from plugins.gate import module_dictionary_types
    from saas_core.dictionaries.models import DictionaryItem, DictionaryType

    added = 0
    for types in module_dictionary_types().values():
        for spec in types:
            dtype, _ = DictionaryType.objects.get_or_create(
                key=spec["key"],
                defaults={"name_zh": spec.get("name_zh", ""), "name_en": spec.get("name_en", ""),
                          "group": spec.get("group", DictionaryType.Group.GENERAL),
                          "description": spec.get("description", ""), "order": spec.get("order", 900)},
            )
            for order, item in enumerate(spec.get("items", ()), start=1):
                _, made = DictionaryItem.objects.get_or_create(
                    type=dtype, key=item["key"],
                    defaults={"label_zh": item.get("label_zh", ""), "label_en": item.get("label_en", ""),
                              "order": order * 10, "is_builtin": True},
                )
                added += made
    if added:
        from saas_core.dictionaries import services

        services.invalidate()
    return added


def after_migrate(**kwargs) -> None:
    """post_migrate: the catalogue in ``public``, the dictionaries in every tenant schema."""
    schema = getattr(connection, "schema_name", "public")
    from django.conf import settings

    if schema == settings.PUBLIC_SCHEMA_NAME:
        sync_modules()
    else:
        seed_dictionaries()
