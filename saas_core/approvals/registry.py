"""The document types the approval engine knows, registered by the apps that own them.

The engine never imports an app: quotes, contracts, orders, expenses (and modules' purchase
orders) describe their document here on start-up, from their own ``AppConfig.ready``::

    from saas_core.approvals.registry import ConditionField, DocumentType, register

    register(DocumentType(
        key="quotes.quote", label=_("Quote"), model=Quote, module="quotes",
        fields=(ConditionField.amount(), ConditionField.discount(), ConditionField.customer_category(),
                ConditionField.department(), ConditionField.owner_role()),
        values=lambda quote: {"amount": quote.total, ...},
        initiator=lambda quote: quote.owner,
        url=lambda quote: reverse("quotes:detail", args=[quote.pk]),
        on_approved=..., on_rejected=...,
    ))

What a document type declares:

- ``fields``: the facts a flow's conditions may test (amount, discount, customer category,
  department, owner's role) and ``values(obj)`` reading them off one document. The engine keeps
  the values it was submitted with: an edit after approval that changes one of them sends the
  document through the flow again (``services.approval_state``).
- ``locked_fields``: what may not change while an approval is pending (amounts and lines); the
  document's own services call ``services.guard_edit(obj, changed)`` before saving, and the engine
  calls ``on_locked``/``on_unlocked`` when a document goes in and out of approval.
- ``on_approved``/``on_rejected``/``on_withdrawn(obj, by)``: what the document does when its
  approval ends (a contract becomes effective, ...); called in the engine's transaction.
- ``url(obj)`` and ``label_of(obj)``: the link and name lists and notifications show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Kinds of condition fields and the operators a flow may use on them.
NUMBER = "number"  # amount, discount: over / at least / under / at most / between
CHOICE = "choice"  # customer category, owner's role: is one of
DEPARTMENT = "department"  # the owner's department: is within one of (with sub-departments)

NUMBER_OPERATORS = ("gt", "gte", "lt", "lte", "between")
CHOICE_OPERATORS = ("in",)


@dataclass(frozen=True)
class ConditionField:
    key: str
    label: str | Promise
    kind: str = NUMBER
    # choices() -> [(value, label)] for CHOICE fields (read when the designer page renders)
    choices: Callable[[], list[tuple[str, Any]]] | None = None

    @property
    def operators(self) -> tuple[str, ...]:
        return NUMBER_OPERATORS if self.kind == NUMBER else CHOICE_OPERATORS

    # The five facts the issue names, with their usual keys: a document declares the ones it has.
    @classmethod
    def amount(cls, label: str | Promise | None = None) -> ConditionField:
        return cls("amount", label or _("Amount"), NUMBER)

    @classmethod
    def discount(cls, label: str | Promise | None = None) -> ConditionField:
        return cls("discount", label or _("Discount (%)"), NUMBER)

    @classmethod
    def customer_category(cls, choices: Callable[[], list[tuple[str, Any]]]) -> ConditionField:
        return cls("customer_category", _("Customer category"), CHOICE, choices)

    @classmethod
    def department(cls) -> ConditionField:
        return cls("department", _("Owner's department"), DEPARTMENT)

    @classmethod
    def owner_role(cls) -> ConditionField:
        from saas_core.accounts.models import Role

        return cls("owner_role", _("Owner's role"), CHOICE, lambda: list(Role.choices))


@dataclass(frozen=True)
class DocumentType:
    key: str  # "quotes.quote": stored on flows and approvals, never renamed
    label: str | Promise
    model: type[models.Model]
    module: str  # the permission module of the document (its pages' rights)
    fields: tuple[ConditionField, ...]
    values: Callable[[Any], dict[str, Any]]  # values(obj) -> {field key: value}
    initiator: Callable[[Any], Any]  # initiator(obj) -> the user whose superiors approve (the owner)
    url: Callable[[Any], str]
    label_of: Callable[[Any], str] = str
    locked_fields: tuple[str, ...] = ()  # shown to the user: what cannot change while pending
    on_locked: Callable | None = None  # on_locked(obj) when an approval starts
    on_unlocked: Callable | None = None  # on_unlocked(obj) when it ends (any outcome)
    on_approved: Callable | None = None  # on_approved(obj, by)
    on_rejected: Callable | None = None  # on_rejected(obj, by)
    on_withdrawn: Callable | None = None  # on_withdrawn(obj, by)
    order: int = 100
    extra: dict = field(default_factory=dict)

    def field(self, key: str) -> ConditionField | None:
        return next((f for f in self.fields if f.key == key), None)


_types: dict[str, DocumentType] = {}
_by_model: dict[type[models.Model], DocumentType] = {}


def register(document_type: DocumentType) -> DocumentType:
    """Make a document type known to the engine (once per process, from the owning app)."""
    _types[document_type.key] = document_type
    _by_model[document_type.model] = document_type
    return document_type


def document_types() -> list[DocumentType]:
    """The document types of the current tenant: a module's only where the module is on."""
    from saas_core.org.permissions import is_visible

    return sorted((t for t in _types.values() if is_visible(t.module)), key=lambda t: (t.order, t.key))


def get(key: str) -> DocumentType | None:
    return _types.get(key)


def of_model(model: type[models.Model] | models.Model) -> DocumentType | None:
    if isinstance(model, models.Model):
        model = type(model)
    return _by_model.get(model) or _by_model.get(model._meta.concrete_model)
