"""The recycle bin (BIN-01): delete to the bin with dependants, restore, purge.

A deletion marks the record and every business record a hard delete would cascade to with one
BinEntry, so they come back together. Nothing is removed from the database until a purge.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from saas_core.records.models import BinEntry, BusinessRecord
from saas_core.records.registry import record_type, record_types


class EntryGone(ValidationError):
    """The entry was restored or purged by someone else since it was shown (two people, or two
    tabs, acting on it at once): the loser is told so, and nothing of theirs is done."""

    def __init__(self, entry: BinEntry):
        super().__init__(
            _("“%(record)s” is no longer in the recycle bin: it has just been restored or deleted for good.")
            % {"record": entry.label}
        )


def _lock(entry: BinEntry) -> BinEntry:
    """The entry, locked for this transaction; a concurrent restore or purge waits here, then
    finds it gone (READ COMMITTED re-reads the row) instead of crashing on DoesNotExist."""
    locked = BinEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise EntryGone(entry)
    return locked


class _FullCollector(Collector):
    """Django's delete collector, made to list every row instead of fast-deleting querysets."""

    def can_fast_delete(self, *args, **kwargs) -> bool:
        return False


def _describe_blockers(objs) -> str:
    counts: dict[str, int] = defaultdict(int)
    for obj in objs:
        counts[str(obj._meta.verbose_name_plural)] += 1
    return ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))


def _collect(obj: Model) -> dict[type[Model], list[Model]]:
    collector = _FullCollector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError) as exc:
        blockers = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        raise ValidationError(
            _("“%(record)s” is still used by %(users)s; remove those links first.")
            % {"record": obj, "users": _describe_blockers(blockers)}
        ) from None
    found: dict[type[Model], list[Model]] = defaultdict(list)
    for model, instances in collector.data.items():
        if issubclass(model, BusinessRecord) and record_type(model):
            found[model].extend(instances)
    return found


def trash(obj: BusinessRecord, *, by) -> BinEntry:
    """Move ``obj`` and its dependants to the recycle bin as one entry."""
    rt = record_type(obj)
    if rt is None:
        raise TypeError(f"{type(obj).__name__} is not a registered business record")
    if obj.deleted_at is not None:
        raise ValidationError(_("“%(record)s” is already in the recycle bin.") % {"record": rt.label_of(obj)})
    now = timezone.now()
    with transaction.atomic():
        members = _collect(obj)
        entry = BinEntry.objects.create(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk,
            label=rt.label_of(obj)[:300], deleted_by=by,
        )
        moved = 0
        for model, instances in members.items():
            # Rows already in the bin stay in their own entry.
            moved += model.all_objects.filter(
                pk__in=[i.pk for i in instances], deleted_at__isnull=True
            ).update(deleted_at=now, bin_entry=entry)
        entry.dependants = max(moved - 1, 0)
        entry.save(update_fields=["dependants"])
    obj.deleted_at, obj.bin_entry = now, entry
    return entry


def _members(entry: BinEntry):
    for rt in record_types():
        if issubclass(rt.model, BusinessRecord):
            yield rt.model, rt.model.all_objects.filter(bin_entry=entry)


def _deleted_parents(entry: BinEntry) -> list[BusinessRecord]:
    """Records outside this entry, still in the bin, that members of the entry point to
    (by foreign key, or by generic foreign key such as an attachment's parent)."""
    parents = []
    for model, members in _members(entry):
        for field in model._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if not field.many_to_one or target is None or not issubclass(target, BusinessRecord):
                continue
            ids = members.exclude(**{f"{field.attname}__isnull": True}).values(field.attname)
            parents.extend(target.all_objects.filter(pk__in=ids, deleted_at__isnull=False).exclude(bin_entry=entry))
        for gfk in model._meta.private_fields:
            if isinstance(gfk, GenericForeignKey):
                parents.extend(_deleted_generic_parents(entry, members, gfk))
    return parents


def _deleted_generic_parents(entry: BinEntry, members, gfk: GenericForeignKey) -> list[BusinessRecord]:
    ct_attname = members.model._meta.get_field(gfk.ct_field).attname
    by_type: dict[int, set] = defaultdict(set)
    for type_id, object_id in members.values_list(ct_attname, gfk.fk_field):
        if type_id is not None and object_id is not None:
            by_type[type_id].add(object_id)
    parents = []
    for type_id, ids in by_type.items():
        target = ContentType.objects.get_for_id(type_id).model_class()
        if target is not None and issubclass(target, BusinessRecord):
            parents.extend(target.all_objects.filter(pk__in=ids, deleted_at__isnull=False).exclude(bin_entry=entry))
    return parents


def restore(entry: BinEntry, *, by) -> int:
    """Bring an entry's records back; refuse, naming it, when a parent is itself in the bin."""
    with transaction.atomic():
        entry = _lock(entry)
        parents = _deleted_parents(entry)
        if parents:
            parent = parents[0]
            raise ValidationError(
                _("“%(record)s” belongs to %(kind)s “%(parent)s”, which is in the recycle bin too. Restore “%(parent)s” first.")
                % {"record": entry.label, "kind": parent._meta.verbose_name, "parent": record_type(parent).label_of(parent)}
            )
        restored = 0
        try:
            with transaction.atomic():
                for model, members in _members(entry):
                    pks = list(members.values_list("pk", flat=True))
                    restored += members.update(deleted_at=None, bin_entry=None)
                    hook = record_type(model).after_restore
                    if pks and hook is not None:
                        hook(model, pks)
        except IntegrityError:
            raise ValidationError(
                _("“%(record)s” cannot be restored: a record with the same unique values has been created since.")
                % {"record": entry.label}
            ) from None
        entry.delete()
    return restored


def _before_purge(root: Model | None, entry: BinEntry) -> None:
    """Tell the record types with a ``before_purge`` hook which of their rows the purge deletes
    (the root's cascade, records already in the bin in other entries included)."""
    hooks = {rt.model: rt.before_purge for rt in record_types() if rt.before_purge is not None}
    if not hooks:
        return
    collector = _FullCollector(using=router.db_for_write(BinEntry))
    if root is not None:
        collector.collect([root])
    for _model, members in _members(entry):
        instances = list(members)
        if instances:
            collector.collect(instances)
    for model, instances in collector.data.items():
        hook = hooks.get(model)
        if hook is not None and instances:
            hook(model, sorted({i.pk for i in instances}))


def purge(entry: BinEntry, *, by) -> None:
    """Delete an entry's records for good (the data log keeps their history)."""
    with transaction.atomic():
        entry = _lock(entry)
        model = entry.content_type.model_class()
        root = model.all_objects.filter(pk=entry.object_id).first()
        try:
            _before_purge(root, entry)
            if root is not None:
                root.delete()  # cascades to the dependants, through the base manager
            for _model, members in _members(entry):
                members.delete()
        except (ProtectedError, RestrictedError) as exc:
            blockers = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            raise ValidationError(
                _("“%(record)s” cannot be purged: %(users)s still refer to it.")
                % {"record": entry.label, "users": _describe_blockers(blockers)}
            ) from None
        entry.delete()
        _drop_orphan_entries()


def _drop_orphan_entries() -> None:
    """Entries whose root went with another purge (a cascade) have nothing left to restore.

    One query per kind of record, not per entry.
    """
    for content_type_id in BinEntry.objects.values_list("content_type_id", flat=True).distinct():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        orphans = BinEntry.objects.filter(content_type_id=content_type_id)
        if model is not None:
            orphans = orphans.exclude(object_id__in=model.all_objects.values("pk"))
        orphans.delete()


def _purge_each(entries, *, by) -> int:
    """Purge entries one by one; those a cascade or another person took meanwhile are skipped."""
    count = 0
    for entry in entries:
        try:
            purge(entry, by=by)
        except EntryGone:
            continue
        count += 1
    return count


def empty(*, by) -> int:
    return _purge_each(BinEntry.objects.order_by("deleted_at"), by=by)


def purge_expired(days: int) -> int:
    """Purge entries older than ``days`` (the company's setting); run by a periodic task."""
    cutoff = timezone.now() - timedelta(days=days)
    return _purge_each(BinEntry.objects.filter(deleted_at__lt=cutoff).order_by("deleted_at"), by=None)


def type_label(entry: BinEntry) -> str:
    model = entry.content_type.model_class()
    return capfirst(model._meta.verbose_name) if model else entry.content_type.model


def visible_entries(user) -> list[BinEntry]:
    """Entries ``user`` may restore: kinds of record their role may delete, within their data scope.

    One query per kind of record, not per entry.
    """
    from saas_core.org.access import can
    from saas_core.org.scope import visible

    entries = list(BinEntry.objects.select_related("content_type", "deleted_by"))
    by_model: dict[type[Model], list[BinEntry]] = defaultdict(list)
    for entry in entries:
        model = entry.content_type.model_class()
        rt = record_type(model) if model else None
        if rt is not None and can(user, rt.module, "delete"):
            by_model[model].append(entry)
    allowed: set[int] = set()
    for model, group in by_model.items():
        ids = visible(model.all_objects.filter(pk__in=[e.object_id for e in group]), user).values_list("pk", flat=True)
        seen = set(ids)
        allowed.update(e.pk for e in group if e.object_id in seen)
    return [e for e in entries if e.pk in allowed]
