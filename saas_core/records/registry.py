"""The declaration that makes a model a business record.

One decorator gives a model everything the shared mechanisms need::

    @business_record(module="customers", owner_field="owner", label_field="name")
    class Customer(BusinessRecord):
        ...

- recycle bin (BIN-01): deletes go to the bin with their dependants (records.bin);
- data log (LOG-01): field-level history by database triggers (django-pghistory);
- data scope (ROLE-02): ``owner_field`` is whose record it is (saas_core.org.scope);
- permissions (ROLE-03): ``module`` is the permission module the record belongs to;
- transfer (ACC-01): a departing user's records move by ``owner_field``;
- ``before_purge(model, pks)``: called in the purge's transaction with the rows about to be
  deleted for good (e.g. to remove their files once it commits).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pghistory
from django.db import models
from django.db.models import Q

_registry: dict[type[models.Model], RecordType] = {}


@dataclass(frozen=True)
class RecordType:
    model: type[models.Model]
    module: str
    owner_field: str | None = None
    label_field: str = "pk"
    # shared(user) -> Q of records shared with ``user`` (sharing, CUS-05), added to their scope.
    shared: Callable | None = None
    history_exclude: tuple[str, ...] = field(default_factory=tuple)
    # after_restore(model, pks): derived data to rebuild when records come back from the bin.
    after_restore: Callable | None = None
    # before_purge(model, pks): rows about to be deleted for good by a recycle-bin purge.
    before_purge: Callable | None = None

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    def label_of(self, obj: models.Model) -> str:
        return str(getattr(obj, self.label_field, obj.pk))

    def shared_q(self, user) -> Q | None:
        return self.shared(user) if self.shared else None


def business_record(
    *,
    module: str,
    owner_field: str | None = None,
    label_field: str = "pk",
    shared: Callable | None = None,
    history_exclude: tuple[str, ...] = (),
    after_restore: Callable | None = None,
    before_purge: Callable | None = None,
):
    """Class decorator: register ``cls`` as a business record and track its history."""

    def decorate(cls: type[models.Model]) -> type[models.Model]:
        exclude = ["updated_at", *history_exclude]
        cls = pghistory.track(
            pghistory.InsertEvent(), pghistory.UpdateEvent(), exclude=exclude, append_only=True,
        )(cls)
        _registry[cls] = RecordType(
            model=cls, module=module, owner_field=owner_field, label_field=label_field, shared=shared,
            history_exclude=tuple(exclude), after_restore=after_restore, before_purge=before_purge,
        )
        return cls

    return decorate


def record_type(model: type[models.Model] | models.Model) -> RecordType | None:
    if isinstance(model, models.Model):
        model = type(model)
    return _registry.get(model)


def record_types() -> list[RecordType]:
    return list(_registry.values())


def record_type_by_key(key: str) -> RecordType | None:
    return next((rt for rt in _registry.values() if rt.key == key), None)
