"""The kinds of record attachments can hang on, and who may see and change each.

Customers register themselves in ``saas_core.attachments.customers``; a later module adds its
own kind on start-up (and declares the GenericRelation described in ``models``)::

    register_parent(
        Contract, key="contract",
        can_view=lambda user, contract: contracts_access.can_view(user, contract),
        can_edit=lambda user, contract: contracts_access.can_edit(user, contract),
        url=lambda contract: reverse("contracts:detail", args=[contract.pk]),
        visible=lambda queryset, user: visible(queryset, user),
    )

``can_view`` decides downloads and lists, ``can_edit`` uploads and deletes; ``visible`` narrows a
queryset of the parents to those ``user`` may see (the recycle bin's scope of attachments);
``rerender(request, parent, form)`` optionally redraws the parent's page with a rejected upload
form (status 400), else the error comes back as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class ParentType:
    model: type[models.Model]
    key: str  # in URLs: /attachments/<key>/<id>/
    can_view: Callable  # (user, parent) -> bool
    can_edit: Callable  # (user, parent) -> bool
    url: Callable  # (parent) -> str, the page showing its attachments
    visible: Callable  # (queryset, user) -> queryset
    rerender: Callable | None = None  # (request, parent, form) -> HttpResponse


_parents: dict[type[models.Model], ParentType] = {}


def register_parent(
    model: type[models.Model], *, key: str, can_view: Callable, can_edit: Callable, url: Callable,
    visible: Callable, rerender: Callable | None = None,
) -> ParentType:
    parent = ParentType(model, key, can_view, can_edit, url, visible, rerender)
    _parents[model] = parent
    return parent


def parent_type(model_or_obj) -> ParentType | None:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return _parents.get(model) or _parents.get(model._meta.concrete_model)


def parent_type_by_key(key: str) -> ParentType | None:
    return next((p for p in _parents.values() if p.key == key), None)


def parent_types() -> list[ParentType]:
    return list(_parents.values())


def scope_q(user) -> Q:
    """Attachments whose parent ``user`` may see, as one Q (subqueries, one per kind of parent)."""
    q = Q(pk__in=[])
    for parent in _parents.values():
        ids = parent.visible(parent.model._base_manager.all(), user).values("pk")
        q |= Q(parent_type=ContentType.objects.get_for_model(parent.model), parent_id__in=ids)
    return q
