"""Merging two duplicate customers (CUS-09): everything linked moves to the survivor.

``merge(survivor, merged, by)``, in one transaction with both rows locked:

1. contacts (those in the recycle bin too) move to the survivor; a moved contact stops being
   "primary" when the survivor already has a primary contact;
2. sub-customers move (the survivor itself, were it a child of the merged one, takes the
   merged one's parent instead);
3. shares move, one per user: where both had one, the wider level and the later expiry win;
   a share with the survivor's owner is dropped;
4. every other foreign key to Customer from any model — follow-ups, opportunities, contracts,
   claim logs, attachments (generic foreign keys) … whatever later modules add — is pointed at
   the survivor by walking Customer's reverse relations, hidden ones (``related_name="+"``)
   included; the data log's event tables are left alone, many-to-many links move without
   duplicates. A row that cannot move because a unique constraint refuses it stays with the
   merged customer and is counted in ``MergeResult.kept``, as are one-to-one extensions
   (e.g. a public pool entry), which describe the merged customer itself and stay with it;
5. the survivor's empty fields are filled from the merged one, and both remarks get a note
   (so the merge is in both data logs, even when no field was empty);
6. phone numbers are rebuilt for both (``services.sync_phones``), and the merged customer goes
   to the recycle bin (``records.bin.trash``), where it can be found and restored.

Both customers must be editable by ``by`` (``customers.access.can_edit``) and live.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pghistory.models
from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saas_core.customers import services
from saas_core.customers.access import can_edit
from saas_core.customers.models import Contact, Customer, CustomerShare, PhoneNumber
from saas_core.customers.phones import normalise_phone
from saas_core.org.access import require
from saas_core.records import bin as recycle_bin

# Relations merge() handles itself (the generic walk skips them).
EXPLICIT: set[tuple[type[models.Model], str]] = {
    (Contact, "customer"), (PhoneNumber, "customer"), (CustomerShare, "customer"), (Customer, "parent"),
}
CHILDREN = "customers.customer.children"  # the key counting moved sub-customers
# Filled from the merged customer when empty on the survivor.
FILLABLE = (
    "short_name", "category", "grade", "customer_type", "industry", "source", "value_class",
    "address", "phone", "fax", "email", "website", "next_contact_at",
)
# The place is taken whole or not at all: a district of the merged customer's city must not land
# beside the survivor's city.
PLACE = ("province", "city", "district")


@dataclass
class MergeResult:
    survivor: Customer
    moved: dict[str, int] = field(default_factory=dict)  # model label -> rows moved
    filled: list[str] = field(default_factory=list)  # survivor fields filled from the merged one
    kept: dict[str, int] = field(default_factory=dict)  # rows left with the merged one (unique clash, one-to-one)


def _is_event_model(model) -> bool:
    return issubclass(model, pghistory.models.Event)


def _relations():
    """Every reverse relation to Customer, hidden ones (``related_name="+"``) included."""
    return [f for f in Customer._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete and f.is_relation]


def generic_relations() -> list[tuple[type[models.Model], models.Field]]:
    """(model, foreign key) pairs pointing at Customer that merge() moves generically.

    One-to-one relations are left out: they describe the customer itself (e.g. its presence in
    a public pool), so they stay with the merged customer (see ``one_to_one_relations``).
    """
    out = []
    for rel in _relations():
        if rel.many_to_many or rel.one_to_one:
            continue
        model, fk = rel.related_model, rel.field
        if _is_event_model(model) or not model._meta.managed or (model, fk.name) in EXPLICIT:
            continue
        out.append((model, fk))
    return out


def one_to_one_relations() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (rel.related_model, rel.field) for rel in _relations()
        if rel.one_to_one and not _is_event_model(rel.related_model) and rel.related_model._meta.managed
    ]


def _many_to_many() -> list[tuple[type[models.Model], models.ForeignKey, models.ForeignKey]]:
    """(through model, FK to Customer, FK to the other side) of every many-to-many to Customer."""
    out = []
    for m2m_rel in _relations():
        if not m2m_rel.many_to_many:
            continue
        through = m2m_rel.through
        fks = [f for f in through._meta.concrete_fields if f.many_to_one]
        to_customer = [f for f in fks if f.related_model is Customer]
        others = [f for f in fks if f.related_model is not Customer]
        if len(to_customer) == 1 and len(others) == 1:
            out.append((through, to_customer[0], others[0]))
    return out


def _generic_foreign_keys() -> list[tuple[type[models.Model], GenericForeignKey]]:
    """Models with a GenericForeignKey (attachments, comments …) that can point at a customer."""
    out = []
    for model in apps.get_models():
        if _is_event_model(model) or model._meta.proxy or not model._meta.managed:
            continue
        for gfk in model._meta.private_fields:
            if isinstance(gfk, GenericForeignKey):
                out.append((model, gfk))
    return out


def _update(queryset, **changes) -> int | None:
    """queryset.update() in a savepoint; None when a unique constraint refuses it."""
    try:
        with transaction.atomic():
            return queryset.update(**changes)
    except IntegrityError:
        return None


def _move_rows(model, lookup: dict, changes: dict, label: str, result: MergeResult) -> None:
    rows = model._base_manager.filter(**lookup)
    moved = _update(rows, **changes)
    if moved is None:  # one at a time: those that clash stay with the merged customer
        moved = 0
        for pk in rows.values_list("pk", flat=True):
            done = _update(model._base_manager.filter(pk=pk), **changes)
            if done:
                moved += done
            else:
                result.kept[label] = result.kept.get(label, 0) + 1
    if moved:
        result.moved[label] = result.moved.get(label, 0) + moved


def _move_contacts(survivor: Customer, merged: Customer, result: MergeResult) -> None:
    contacts = Contact._base_manager.filter(customer=merged)
    if Contact.objects.filter(customer=survivor, is_primary=True).exists():
        contacts.filter(is_primary=True).update(is_primary=False)
    moved = contacts.update(customer=survivor, updated_at=timezone.now())
    if moved:
        result.moved[Contact._meta.label_lower] = moved


def _move_children(survivor: Customer, merged: Customer, result: MergeResult) -> None:
    if survivor.parent_id == merged.pk:
        survivor.parent_id = merged.parent_id if merged.parent_id != survivor.pk else None
    moved = Customer._base_manager.filter(parent=merged).exclude(pk=survivor.pk).update(
        parent=survivor, updated_at=timezone.now(),
    )
    if moved:
        result.moved[CHILDREN] = moved
    # The survivor under one of the merged one's sub-customers would now be its own ancestor.
    seen, current = {survivor.pk}, survivor.parent_id
    while current is not None:
        if current in seen:
            survivor.parent_id = None
            break
        seen.add(current)
        current = Customer._base_manager.filter(pk=current).values_list("parent_id", flat=True).first()


def _wider(a: CustomerShare, b: CustomerShare) -> tuple[str, object]:
    level = CustomerShare.Level.WRITE if CustomerShare.Level.WRITE in (a.level, b.level) else CustomerShare.Level.READ
    expiry = None if a.expires_at is None or b.expires_at is None else max(a.expires_at, b.expires_at)
    return level, expiry


def _move_shares(survivor: Customer, merged: Customer, result: MergeResult) -> None:
    existing = {s.user_id: s for s in CustomerShare.objects.filter(customer=survivor)}
    moved = 0
    for share in CustomerShare.objects.filter(customer=merged):
        if share.user_id == survivor.owner_id:
            share.delete()
        elif share.user_id in existing:
            kept = existing[share.user_id]
            kept.level, kept.expires_at = _wider(kept, share)
            kept.save(update_fields=["level", "expires_at"])
            share.delete()
        else:
            share.customer = survivor
            share.save(update_fields=["customer"])
            moved += 1
    if moved:
        result.moved[CustomerShare._meta.label_lower] = moved


def _move_generic(survivor: Customer, merged: Customer, result: MergeResult) -> None:
    for model, fk in generic_relations():
        changes = {fk.name: survivor}
        if any(f.name == "updated_at" for f in model._meta.concrete_fields) and model._meta.get_field("updated_at").auto_now:
            changes["updated_at"] = timezone.now()
        _move_rows(model, {fk.name: merged}, changes, f"{model._meta.label_lower}.{fk.name}", result)
    for model, fk in one_to_one_relations():
        kept = model._base_manager.filter(**{fk.name: merged}).count()
        if kept:
            result.kept[f"{model._meta.label_lower}.{fk.name}"] = kept
    for through, to_customer, other in _many_to_many():
        label = through._meta.label_lower
        already = through._base_manager.filter(**{to_customer.name: survivor}).values(other.attname)
        rows = through._base_manager.filter(**{to_customer.name: merged})
        rows.filter(**{f"{other.attname}__in": already}).delete()
        _move_rows(through, {to_customer.name: merged}, {to_customer.name: survivor}, label, result)
    customer_type = ContentType.objects.get_for_model(Customer)
    for model, gfk in _generic_foreign_keys():
        as_text = isinstance(model._meta.get_field(gfk.fk_field), models.CharField | models.TextField)
        old, new = (str(merged.pk), str(survivor.pk)) if as_text else (merged.pk, survivor.pk)
        lookup = {gfk.ct_field: customer_type, gfk.fk_field: old}
        _move_rows(model, lookup, {gfk.fk_field: new}, f"{model._meta.label_lower}.{gfk.name}", result)


def _count(model, **lookup) -> int:
    return model._base_manager.filter(**lookup).count()


@dataclass
class MergePreview:
    """What ``merge`` would do, for the confirmation page (counts as of now; a row a unique
    constraint refuses stays with the merged customer, so a count is at most what moves)."""

    moves: dict[str, int] = field(default_factory=dict)  # same keys as MergeResult.moved, plus phone numbers
    filled: list[str] = field(default_factory=list)  # field names filled on the survivor
    kept: dict[str, int] = field(default_factory=dict)  # one-to-one extensions staying with the merged one


def preview(survivor: Customer, merged: Customer) -> MergePreview:
    """The counts of what would move from ``merged`` to ``survivor`` (no permission check, no change)."""
    out = MergePreview()
    counts = {
        Contact._meta.label_lower: _count(Contact, customer=merged),
        CHILDREN: Customer._base_manager.filter(parent=merged).exclude(pk=survivor.pk).count(),
        CustomerShare._meta.label_lower: _count(CustomerShare, customer=merged) - (
            _count(CustomerShare, customer=merged, user_id=survivor.owner_id) if survivor.owner_id else 0
        ),
    }
    for model, fk in generic_relations():
        counts[f"{model._meta.label_lower}.{fk.name}"] = _count(model, **{fk.name: merged})
    for through, to_customer, _other in _many_to_many():
        counts[through._meta.label_lower] = _count(through, **{to_customer.name: merged})
    customer_type = ContentType.objects.get_for_model(Customer)
    for model, gfk in _generic_foreign_keys():
        as_text = isinstance(model._meta.get_field(gfk.fk_field), models.CharField | models.TextField)
        counts[f"{model._meta.label_lower}.{gfk.name}"] = _count(
            model, **{gfk.ct_field: customer_type, gfk.fk_field: str(merged.pk) if as_text else merged.pk}
        )
    copy = Customer(**{f.attname: getattr(survivor, f.attname) for f in Customer._meta.concrete_fields})
    out.filled = _fill(copy, merged, MergeResult(copy))
    # Searchable numbers: the moved contacts' own, and the merged one's phone/fax where they fill a gap.
    counts[PhoneNumber._meta.label_lower] = _count(PhoneNumber, customer=merged, contact__isnull=False) + sum(
        1 for name in ("phone", "fax") if name in out.filled and normalise_phone(getattr(merged, name))
    )
    out.moves = {key: n for key, n in counts.items() if n}
    for model, fk in one_to_one_relations():
        if n := _count(model, **{fk.name: merged}):
            out.kept[f"{model._meta.label_lower}.{fk.name}"] = n
    return out


def describe(key: str) -> str:
    """The plural name of what a key of ``MergeResult.moved`` / ``MergePreview`` counts ("contacts")."""
    own = {
        CHILDREN: _("sub-customers"), PhoneNumber._meta.label_lower: _("phone numbers"),
        CustomerShare._meta.label_lower: _("shares"),
    }
    if key in own:
        return str(own[key])
    app_label, model_name = key.split(".")[:2]
    return str(apps.get_model(app_label, model_name)._meta.verbose_name_plural)


def _empty(value) -> bool:
    return value is None or value == ""


def _fill(survivor: Customer, merged: Customer, result: MergeResult) -> list[str]:
    if all(_empty(getattr(survivor, name)) for name in PLACE):
        for name in PLACE:
            if not _empty(getattr(merged, name)):
                setattr(survivor, name, getattr(merged, name))
                result.filled.append(name)
    for name in FILLABLE:
        attname = Customer._meta.get_field(name).attname
        mine, theirs = getattr(survivor, attname), getattr(merged, attname)
        if _empty(mine) and not _empty(theirs):
            setattr(survivor, attname, theirs)
            result.filled.append(name)
    if merged.last_contact_at and (survivor.last_contact_at is None or merged.last_contact_at > survivor.last_contact_at):
        survivor.last_contact_at = merged.last_contact_at
        result.filled.append("last_contact_at")
    if merged.is_hot and not survivor.is_hot:
        survivor.is_hot, survivor.heat = True, merged.heat
        survivor.hot_reason_id, survivor.hot_until = merged.hot_reason_id, merged.hot_until
        result.filled.append("is_hot")
    return result.filled


def _note(text: str, line: str) -> str:
    return f"{text.rstrip()}\n{line}" if text.strip() else line


def _check(survivor: Customer, merged: Customer, by) -> None:
    require(by, "customers", "edit")
    if survivor.pk == merged.pk:
        raise ValidationError({"merged": [_("A customer cannot be merged with itself.")]})
    for customer, key in ((survivor, "survivor"), (merged, "merged")):
        if customer.deleted_at is not None:
            raise ValidationError({key: [_("“%(customer)s” is in the recycle bin.") % {"customer": customer}]})
        if not can_edit(by, customer):
            raise PermissionDenied(
                _("You may not change “%(customer)s”, so you cannot merge it.") % {"customer": customer}
            )


@transaction.atomic
def merge(survivor: Customer, merged: Customer, *, by) -> MergeResult:
    """Merge ``merged`` into ``survivor``; ``merged`` ends in the recycle bin."""
    locked = {c.pk: c for c in Customer._base_manager.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk")}
    if survivor.pk not in locked or merged.pk not in locked:
        raise ValidationError(_("One of the customers no longer exists."))
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    _check(survivor, merged, by)
    result = MergeResult(survivor)
    _move_contacts(survivor, merged, result)
    _move_children(survivor, merged, result)
    _move_shares(survivor, merged, result)
    _move_generic(survivor, merged, result)
    _fill(survivor, merged, result)
    if merged.remark.strip() and merged.remark.strip() not in survivor.remark:
        survivor.remark = _note(survivor.remark, merged.remark.strip())
    survivor.remark = _note(
        survivor.remark,
        _("Merged with “%(name)s” (%(number)s) by %(user)s on %(date)s.")
        % {"name": merged.name, "number": merged.number, "user": by, "date": timezone.localdate().isoformat()},
    )
    services.apply_search_keys(survivor)
    survivor.save()
    merged.remark = _note(
        merged.remark, _("Merged into “%(name)s” (%(number)s).") % {"name": survivor.name, "number": survivor.number},
    )
    merged.save(update_fields=["remark", "updated_at"])
    services.sync_phones(survivor)
    services.sync_phones(merged)
    recycle_bin.trash(merged, by=by)
    return result
