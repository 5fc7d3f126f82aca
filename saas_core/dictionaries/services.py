"""Dictionary operations shared by the web pages, the API and later business code (DICT-01).

Editing (Boss): ``add_item``, ``update_item`` / ``rename_item``, ``set_active``,
``reorder_items`` / ``move_item``, ``delete_item`` (refused with ``ItemInUse`` while any record
refers to the value; ``usage`` says which). Bad input raises ``ValidationError`` with a field map.

Reading (anyone): ``items_for(type_key)``, ``get_item(type_key, key)``, ``choices(type_key)``,
served from the tenant-aware cache and invalidated on every change.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max, Q
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import get_text_list, slugify
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from saas_core import request_memo
from saas_core.dictionaries.models import DictionaryItem, DictionaryType, in_language

LABEL_MAX = 100
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
CACHE_TIMEOUT = 60 * 60
EXTRA_TEXT_MAX = 100


# --- usage -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """How many rows of one model refer to a dictionary value (``in_bin`` of them deleted)."""

    model: type[models.Model]
    count: int
    in_bin: int = 0

    @property
    def name(self) -> str:
        meta = self.model._meta
        return str(meta.verbose_name if self.count == 1 else meta.verbose_name_plural)

    def describe(self) -> str:
        text = _("%(count)d %(name)s") % {"count": self.count, "name": self.name}
        if self.in_bin:
            text += " " + _("(%(count)d in the recycle bin)") % {"count": self.in_bin}
        return text


class ItemInUse(Exception):
    """A dictionary value that records still refer to cannot be deleted."""

    def __init__(self, item: DictionaryItem, usages: list[Usage]):
        self.item = item
        self.usages = usages
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return in_use_message(self.item, self.usages)


def in_use_message(item: DictionaryItem, usages: list[Usage]) -> str:
    """E.g. "“Internet” is used by 3 customers and 1 opportunity; disable it instead."."""
    if not usages:
        return _("“%(label)s” is still in use; disable it instead.") % {"label": item.label}
    parts = get_text_list([u.describe() for u in usages], _("and"))
    message = _("“%(label)s” is used by %(usages)s; disable it instead.") % {"label": item.label, "usages": parts}
    if any(u.in_bin for u in usages):
        message += " " + _("Records in the recycle bin keep their values until they are purged.")
    return message


def _referring_relations() -> dict[type[models.Model], list[str]]:
    """Every model with a (visible) ForeignKey, OneToOne or ManyToMany to DictionaryItem, and its fields.

    Business models declare ``DictionaryForeignKey`` (a visible reverse relation), so they
    are found here without any further registration. Hidden relations (``related_name="+"``,
    e.g. the data log's event copies, which do not constrain deletion) are not listed.
    """
    relations: dict[type[models.Model], list[str]] = defaultdict(list)
    for rel in DictionaryItem._meta.related_objects:
        model = rel.related_model
        if model._meta.auto_created:  # the implicit through table of a ManyToManyField
            continue
        relations[model].append(rel.field.name)
    return relations


def usage(item: DictionaryItem) -> list[Usage]:
    """Which models refer to ``item``, with counts; rows in the recycle bin are counted apart."""
    usages = []
    for model, fields in _referring_relations().items():
        query = Q()
        for name in fields:
            query |= Q(**{name: item})
        rows = model._base_manager.filter(query)
        if any(len(fields) > 1 or model._meta.get_field(f).many_to_many for f in fields):
            rows = model._base_manager.filter(pk__in=rows.values("pk"))
        total = rows.count()
        if not total:
            continue
        in_bin = 0
        if _has_field(model, "deleted_at"):
            in_bin = rows.filter(deleted_at__isnull=False).count()
        usages.append(Usage(model=model, count=total, in_bin=in_bin))
    return sorted(usages, key=lambda u: (-u.count, u.name))


def is_in_use(item: DictionaryItem) -> bool:
    return bool(usage(item))


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


# --- validation --------------------------------------------------------------------------


def _clean_labels(dtype: DictionaryType, label_zh: str, label_en: str, *, exclude_pk: int | None = None) -> tuple[str, str]:
    label_zh, label_en = (label_zh or "").strip(), (label_en or "").strip()
    errors: dict[str, list[str]] = {}
    if not label_zh and not label_en:
        errors["label_zh"] = [_("Enter the value in at least one language.")]
    for field, value in (("label_zh", label_zh), ("label_en", label_en)):
        if len(value) > LABEL_MAX:
            errors.setdefault(field, []).append(
                _("Ensure this value has at most %(max)d characters (it has %(length)d).")
                % {"max": LABEL_MAX, "length": len(value)}
            )
            continue
        if not value:
            continue
        clash = DictionaryItem.objects.filter(type=dtype, **{f"{field}__iexact": value}).exclude(pk=exclude_pk).first()
        if clash is not None:
            if clash.is_active:
                message = _("“%(label)s” is already in this list.") % {"label": value}
            else:
                message = _("“%(label)s” is already in this list but disabled; enable it instead.") % {"label": value}
            errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)
    return label_zh, label_en


def _clean_key(dtype: DictionaryType, key: str, label_en: str) -> str:
    key = (key or "").strip().lower()
    if not key:
        return _generate_key(dtype, label_en)
    if not KEY_RE.match(key):
        raise ValidationError({"key": [_(
            "Use up to 64 lower-case letters, digits, hyphens or underscores, starting with a letter or digit."
        )]})
    if DictionaryItem.objects.filter(type=dtype, key=key).exists():
        raise ValidationError({"key": [_("The code “%(key)s” is already used in this list.") % {"key": key}]})
    return key


def _generate_key(dtype: DictionaryType, label_en: str) -> str:
    base = slugify(label_en or "").replace("-", "_")[:50].strip("_") or "item"
    taken = set(DictionaryItem.objects.filter(type=dtype, key__startswith=base).values_list("key", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def clean_extra(dtype: DictionaryType, extra) -> dict:
    """Check ``extra`` against the attributes the type declares (``DictionaryType.extra_fields``)."""
    if extra in (None, ""):
        return {}
    if not isinstance(extra, dict):
        raise ValidationError({"extra": [_("Enter an object of attributes.")]})
    specs = {spec["name"]: spec for spec in dtype.extra_fields or []}
    cleaned: dict = {}
    errors: list[str] = []
    for name, value in extra.items():
        spec = specs.get(name)
        if spec is None:
            errors.append(_("“%(name)s” is not an attribute of this list.") % {"name": name})
            continue
        label = in_language(spec.get("label_zh", ""), spec.get("label_en", "")) or name
        if value in (None, ""):
            continue
        kind = spec.get("kind", "text")
        if kind == "int":
            try:
                number = int(str(value).strip())
            except (TypeError, ValueError):
                errors.append(_("%(field)s: enter a whole number.") % {"field": label})
                continue
            low, high = spec.get("min"), spec.get("max")
            if (low is not None and number < low) or (high is not None and number > high):
                errors.append(_("%(field)s: enter a number from %(min)s to %(max)s.") % {
                    "field": label, "min": low if low is not None else "…", "max": high if high is not None else "…",
                })
                continue
            cleaned[name] = number
        elif kind == "choice":
            allowed = [choice[0] for choice in spec.get("choices", [])]
            if value not in allowed:
                errors.append(_("%(field)s: choose one of %(choices)s.") % {"field": label, "choices": ", ".join(allowed)})
                continue
            cleaned[name] = value
        else:
            if not isinstance(value, str | int | float):
                errors.append(_("%(field)s: enter text.") % {"field": label})
                continue
            text = str(value).strip()
            if len(text) > EXTRA_TEXT_MAX:
                errors.append(_("%(field)s: enter at most %(max)d characters.") % {"field": label, "max": EXTRA_TEXT_MAX})
                continue
            if text:
                cleaned[name] = text
    if errors:
        raise ValidationError({"extra": errors})
    return cleaned


# --- editing -----------------------------------------------------------------------------


def _locked_type(dtype: DictionaryType) -> DictionaryType:
    """Lock the type row: concurrent edits of one list queue up instead of interleaving."""
    return DictionaryType.objects.select_for_update().get(pk=dtype.pk)


@transaction.atomic
def add_item(
    dtype: DictionaryType, *, label_zh: str = "", label_en: str = "", key: str = "", extra=None, is_active: bool = True,
) -> DictionaryItem:
    """Append a value to the end of ``dtype``'s list; the code is derived from the label if not given."""
    dtype = _locked_type(dtype)
    errors: dict[str, list[str]] = {}
    try:
        label_zh, label_en = _clean_labels(dtype, label_zh, label_en)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        key = _clean_key(dtype, key, label_en)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        extra = clean_extra(dtype, extra)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    last = dtype.items.aggregate(last=Max("order"))["last"] or 0
    item = DictionaryItem.objects.create(
        type=dtype, key=key, label_zh=label_zh, label_en=label_en, extra=extra, order=last + 1,
        is_active=bool(is_active),
    )
    invalidate()
    return item


@transaction.atomic
def update_item(
    item: DictionaryItem, *, label_zh: str | None = None, label_en: str | None = None, extra=None,
    is_active: bool | None = None,
) -> DictionaryItem:
    """Change what is given (labels, extra attributes, enabled); the code never changes."""
    dtype = _locked_type(item.type)
    item = DictionaryItem.objects.select_for_update().get(pk=item.pk)
    errors: dict[str, list[str]] = {}
    if label_zh is not None or label_en is not None:
        try:
            item.label_zh, item.label_en = _clean_labels(
                dtype,
                item.label_zh if label_zh is None else label_zh,
                item.label_en if label_en is None else label_en,
                exclude_pk=item.pk,
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if extra is not None:
        try:
            item.extra = clean_extra(dtype, extra)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if is_active is not None:
        item.is_active = bool(is_active)
    item.save()
    invalidate()
    return item


def rename_item(item: DictionaryItem, *, label_zh: str, label_en: str) -> DictionaryItem:
    return update_item(item, label_zh=label_zh, label_en=label_en)


def set_active(item: DictionaryItem, active: bool) -> DictionaryItem:
    """Disable (hidden from new choices; records keep it) or enable a value."""
    return update_item(item, is_active=active)


@transaction.atomic
def reorder_items(dtype: DictionaryType, ids: Iterable) -> list[DictionaryItem]:
    """Put ``dtype``'s values in the order of ``ids``, in one transaction.

    Every id must be a value of this list and appear once; values not listed (e.g. disabled
    ones a client did not show) keep their relative order after the listed ones.
    """
    dtype = _locked_type(dtype)
    try:
        wanted = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise ValidationError({"ids": [_("Send a list of value ids.")]}) from None
    if not wanted:
        raise ValidationError({"ids": [_("Send a list of value ids.")]})
    duplicates = sorted({i for i in wanted if wanted.count(i) > 1})
    if duplicates:
        raise ValidationError({"ids": [_("Each value may appear only once (repeated: %(ids)s).") % {
            "ids": ", ".join(map(str, duplicates))}]})
    items = list(DictionaryItem.objects.select_for_update().filter(type=dtype).order_by("order", "id"))
    by_id = {item.pk: item for item in items}
    foreign = [i for i in wanted if i not in by_id]
    if foreign:
        raise ValidationError({"ids": [_("These ids are not values of “%(name)s”: %(ids)s.") % {
            "name": dtype.name, "ids": ", ".join(map(str, foreign))}]})
    ordered = [by_id[i] for i in wanted] + [item for item in items if item.pk not in set(wanted)]
    changed = []
    now = timezone.now()
    for position, item in enumerate(ordered, start=1):
        if item.order != position:
            item.order, item.updated_at = position, now
            changed.append(item)
    if changed:
        DictionaryItem.objects.bulk_update(changed, ["order", "updated_at"])
        invalidate()
    return ordered


def move_item(item: DictionaryItem, offset: int) -> list[DictionaryItem]:
    """Move a value up (-1) or down (+1) by one place."""
    with transaction.atomic():
        _locked_type(item.type)
        ids = list(DictionaryItem.objects.filter(type_id=item.type_id).order_by("order", "id").values_list("pk", flat=True))
        index = ids.index(item.pk)
        target = index + offset
        if 0 <= target < len(ids):
            ids[index], ids[target] = ids[target], ids[index]
        return reorder_items(item.type, ids)


@transaction.atomic
def delete_item(item: DictionaryItem) -> None:
    """Delete a value no record refers to; otherwise raise ``ItemInUse`` naming where it is used."""
    _locked_type(item.type)
    usages = usage(item)
    if usages:
        raise ItemInUse(item, usages)
    try:
        with transaction.atomic():
            DictionaryItem.objects.filter(pk=item.pk).delete()
            connection.check_constraints()  # deferred foreign keys: fail here, not at commit
    except (ProtectedError, RestrictedError, IntegrityError):
        raise ItemInUse(item, usage(item)) from None
    invalidate()


# --- reading (cached) --------------------------------------------------------------------

_MISSING = "missing"
_FIELDS = ("id", "type_id", "key", "label_zh", "label_en", "order", "is_active", "is_builtin", "extra")


def _cache_prefix() -> str:
    # The database name keeps test databases (one per xdist worker) apart on a shared Redis;
    # the tenant schema is added by django_tenants.cache.make_key.
    return f"dictionaries:{connection.settings_dict['NAME']}"


def _cache_allowed() -> bool:
    """Only read and fill the cache outside transactions: rows read inside one may be rolled back."""
    return not connection.in_atomic_block


def _version() -> str:
    key = f"{_cache_prefix()}:version"
    memo, memo_key = request_memo.current(), (key, connection.schema_name)
    if memo is not None and memo_key in memo:
        return memo[memo_key]
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(key, version, timeout=None):
            version = cache.get(key) or version
    if memo is not None:
        memo[memo_key] = version
    return version


def invalidate_now() -> None:
    """Forget this tenant's cached dictionaries at once."""
    key, version = f"{_cache_prefix()}:version", uuid.uuid4().hex
    cache.set(key, version, timeout=None)
    if (memo := request_memo.current()) is not None:
        memo[(key, connection.schema_name)] = version


def invalidate() -> None:
    """Forget this tenant's cached dictionaries once the current transaction commits."""
    schema = connection.schema_name

    def bump():
        with schema_context(schema):
            invalidate_now()

    transaction.on_commit(bump)


def _load(type_key: str):
    rows = list(DictionaryItem.objects.filter(type__key=type_key).order_by("order", "id").values(*_FIELDS))
    if not rows and not DictionaryType.objects.filter(key=type_key).exists():
        return _MISSING
    return [tuple(row[f] for f in _FIELDS) for row in rows]


def _item(row: tuple) -> DictionaryItem:
    item = DictionaryItem(**dict(zip(_FIELDS, row, strict=True)))
    item._state.adding = False
    item._state.db = "default"
    return item


# This process's copy of the rows last read from the shared cache, keyed like it: the version
# in the key (one cache read) tells whether they are still current, so a list page that shows
# three pick-lists reads the shared cache three times, not six.
_local: dict[str, list] = {}
LOCAL_MAX = 5000


def items_for(type_key: str, *, include_inactive: bool = False) -> list[DictionaryItem]:
    """The values of a pick-list in order (enabled ones unless ``include_inactive``).

    Raises ``LookupError`` for an unknown type key (a typo in code, not a user error).
    """
    if _cache_allowed():
        key = f"{_cache_prefix()}:{connection.schema_name}:{_version()}:items:{type_key}"
        rows = _local.get(key)
        if rows is None:
            rows = cache.get(key)
            if rows is None:
                rows = _load(type_key)
                cache.set(key, rows, timeout=CACHE_TIMEOUT)
            if len(_local) >= LOCAL_MAX:
                _local.clear()
            _local[key] = rows
    else:
        rows = _load(type_key)
    if rows == _MISSING:
        raise LookupError(f"unknown dictionary type {type_key!r}")
    items = [_item(row) for row in rows]
    return items if include_inactive else [item for item in items if item.is_active]


def get_item(type_key: str, key: str) -> DictionaryItem | None:
    """The value of ``type_key`` with the stable code ``key`` (enabled or not), or None."""
    return next((item for item in items_for(type_key, include_inactive=True) if item.key == key), None)


def choices(type_key: str, *, include: int | None = None) -> list[tuple[int, str]]:
    """``[(id, label), ...]`` of the enabled values, in the active language; ``include`` keeps one id."""
    return [
        (item.pk, item.label)
        for item in items_for(type_key, include_inactive=True)
        if item.is_active or item.pk == include
    ]
