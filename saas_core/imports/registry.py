"""The import/export framework's declarations: importers (and their columns) and exporters.

An app declares what can be imported in an ``importers.py`` module and what can be exported in
an ``exporters.py`` module; both are discovered on start-up (``ImportsConfig.ready``)::

    class ProductImporter(Importer):
        key = "products"
        label = _("Products")
        module = "products"                      # permission module: needs its "import" action
        columns = [Column("name", "产品名称", "Product name", required=True, max_length=200), ...]

        def duplicate_keys(self, row): ...        # what makes two rows (or a row and a record) the same
        def find_existing(self, rows, ctx): ...   # {row index: Existing} for a batch, in one or two queries
        def create_one(self, row, ctx): ...       # save one row through the domain service
        def update_one(self, row, existing, ctx): ...

    register_importer(ProductImporter())

The framework reads the file, proposes a column mapping from the headers (either language),
parses every cell with its column's parser (per-cell problems show in the preview), and runs
the rows in batches, each batch in one transaction. ``create``/``update`` receive a batch of
valid rows; their default implementations save row by row, each inside a savepoint, so one bad
row never aborts the others and never leaves half a record. An importer may override
``create`` with a bulk path (see customers.importers), falling back to the row-by-row one when
the bulk insert itself fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from saas_core.dictionaries.models import in_language

# --- columns -----------------------------------------------------------------------------------


def header_key(text: str) -> str:
    """A header reduced for matching: NFKC, lower case, no spaces, marks or "(required)" notes."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    text = re.sub(r"[(\[（【].*?[)\]）】]", "", text)  # 客户名称(必填), Name [required]
    return re.sub(r"[\s*_\-:：.。/\\]+", "", text)


@dataclass(frozen=True)
class Column:
    """One importable field.

    ``parse(value, ctx)`` turns a non-empty cell (str, or a number/date/bool from xlsx) into
    the field's value, raising ``ValidationError`` with a message for the user; without it the
    cell is read as text. ``max_length`` is checked on the text. ``aliases`` are further header
    names (any language) the mapping step recognises.
    """

    key: str
    label_zh: str
    label_en: str
    required: bool = False
    parse: Callable[[Any, dict], Any] | None = None
    max_length: int | None = None
    aliases: tuple[str, ...] = ()
    example: Any = ""
    group: str = ""
    # Values of this column repeat (a list, a choice, the owner): parsed once per distinct cell
    # in a run. Only for parsers whose result depends on the cell and the run alone.
    repeats: bool = False

    @property
    def label(self) -> str:
        return in_language(self.label_zh, self.label_en)

    def names(self) -> set[str]:
        return {header_key(n) for n in (self.key, self.label_zh, self.label_en, *self.aliases) if n}


@dataclass
class Row:
    """One data row of the file: its cells, its parsed values and its problems."""

    index: int  # position in the batch
    number: int  # the spreadsheet's row number (the header is row 1 in most files)
    raw: list
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # column key (or "") -> message

    @property
    def ok(self) -> bool:
        return not self.errors

    def reject(self, message: str, key: str = "") -> None:
        if key in self.errors:
            self.errors[key] = f"{self.errors[key]} {message}"
        else:
            self.errors[key] = message


@dataclass(frozen=True)
class Existing:
    """A record the row duplicates: its id, a label and why it matches."""

    pk: int
    label: str
    reason: str


class RowRejected(Exception):
    """Raised by ``create_one``/``update_one`` to reject a row with the given reasons."""

    def __init__(self, reasons: Sequence[str]):
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))


def messages_of(exc: ValidationError, labels: dict[str, str] | None = None) -> list[str]:
    """A ValidationError as "Label: message" lines, with field names turned into column labels."""
    labels = labels or {}
    if hasattr(exc, "error_dict"):
        out = []
        for name, errors in exc.message_dict.items():
            label = labels.get(name, name)
            for message in errors:
                out.append(message if name in ("__all__", "") else f"{label}: {message}")
        return out
    return list(exc.messages)


# --- parsers shared by importers -----------------------------------------------------------------


def as_text(value) -> str:
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or number typed into a numeric cell
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_email = EmailValidator()


def parse_email(value, ctx) -> str:
    text = as_text(value)
    _email(text)
    return text


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%m/%d/%Y", "%d.%m.%Y")


def parse_date(value, ctx) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", as_text(value)).split(" ")[0]
    if _ISO_DATE.fullmatch(text):  # the usual YYYY-MM-DD: what strptime's first format gives, faster
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(text)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": as_text(value)})


def parse_int(value, ctx) -> int:
    try:
        number = Decimal(as_text(value))
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": as_text(value)}) from None
    if number != number.to_integral_value():
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": as_text(value)})
    return int(number)


_TRUE = {"1", "y", "yes", "true", "是", "对", "√", "✓", "x"}
_FALSE = {"0", "n", "no", "false", "否", "不", "×"}


def parse_bool(value, ctx) -> bool:
    if isinstance(value, bool):
        return value
    text = as_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(_("“%(value)s” is not yes or no.") % {"value": as_text(value)})


def choice_parser(pairs: Iterable[tuple[str, Iterable[str]]]) -> Callable[[Any, dict], str]:
    """A parser accepting any of the given names (keys, labels in either language) of each value."""
    lookup: dict[str, str] = {}
    for value, names in pairs:
        for name in (value, *names):
            if name:
                lookup.setdefault(header_key(str(name)), value)
    allowed = sorted({str(n) for _v, names in pairs for n in names if n})

    def parse(cell, ctx):
        found = lookup.get(header_key(as_text(cell)))
        if found is None:
            raise ValidationError(_("“%(value)s” is not one of: %(choices)s.") % {
                "value": as_text(cell), "choices": ", ".join(allowed),
            })
        return found

    return parse


def dictionary_parser(type_key: str) -> Callable[[Any, dict], Any]:
    """A parser for a value of the pick-list ``type_key``: its code or its label in either language,
    enabled values only (a disabled one may not be chosen for new records). Looked up once per run
    (``ctx["dictionaries"]``)."""
    from saas_core.dictionaries.services import items_for

    def parse(value, ctx):
        cache = ctx.setdefault("dictionaries", {})
        lookup = cache.get(type_key)
        if lookup is None:
            lookup = cache[type_key] = {}
            for item in items_for(type_key):
                for name in (item.key, item.label_zh, item.label_en):
                    if name:
                        lookup.setdefault(header_key(name), item)
        found = lookup.get(header_key(as_text(value)))
        if found is None:
            labels = [item.label for item in items_for(type_key)]
            names = ", ".join(labels[:12]) + (", …" if len(labels) > 12 else "")
            raise ValidationError(_("“%(value)s” is not a value of this list (%(choices)s).") % {
                "value": as_text(value), "choices": names,
            })
        return found

    return parse


def find_one(queryset, value, *, code_field: str, name_field: str, missing: str, ambiguous: str):
    """The one record of ``queryset`` whose code is the cell, else whose name is (a document's customer or
    product column); ``missing`` and ``ambiguous`` are the messages (with ``%(value)s``) otherwise."""
    text = as_text(value)
    found = list(queryset.filter(**{code_field: text})[:1]) or list(queryset.filter(**{name_field: text})[:2])
    if not found:
        raise ValidationError(missing % {"value": text})
    if len(found) > 1:
        raise ValidationError(ambiguous % {"value": text})
    return found[0]


def people(ctx: dict) -> dict:
    """Active users by name, user name and e-mail (``ctx["users"]``, built once per run)."""
    if "users" not in ctx:
        from saas_core.accounts.models import User

        users: dict = {}
        for user in User.objects.filter(is_active=True).order_by("pk"):
            for name in (user.username, user.email, user.name):
                if name:
                    users.setdefault(header_key(name), user)
        ctx["users"] = users
    return ctx["users"]


def parse_user(value, ctx):
    """An active user named by name, user name or e-mail (an owner column)."""
    found = people(ctx).get(header_key(as_text(value)))
    if found is None:
        raise ValidationError(_("No active user is called “%(value)s”.") % {"value": as_text(value)})
    return found


# --- parsed values between processes ------------------------------------------------------------
# A parallel run parses each row once (while splitting the file) and hands the values to the batch
# tasks as JSON: records by model and id, dates as ISO text.


_PLAIN_VALUES = frozenset((str, int, float, bool, type(None)))


def dump_values(values: dict) -> dict:
    if all(v.__class__ in _PLAIN_VALUES for v in values.values()):
        return values
    out = {}
    for key, value in values.items():
        if value.__class__ in _PLAIN_VALUES:
            pass
        elif isinstance(value, models.Model):
            value = {"$m": value._meta.label, "pk": value.pk}
        elif isinstance(value, dt.datetime):
            value = {"$dt": value.isoformat()}
        elif isinstance(value, dt.date):
            value = {"$d": value.isoformat()}
        elif isinstance(value, Decimal):
            value = {"$n": str(value)}
        out[key] = value
    return out


def load_values(data: dict, ctx: dict) -> dict:
    """The values ``dump_values`` gave, records fetched once per model and run (``ctx["_records"]``)."""
    records = ctx.setdefault("_records", {})
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            if "$m" in value:
                value = records[value["$m"]][value["pk"]]
            elif "$dt" in value:
                value = dt.datetime.fromisoformat(value["$dt"])
            elif "$d" in value:
                value = dt.date.fromisoformat(value["$d"])
            elif "$n" in value:
                value = Decimal(value["$n"])
        out[key] = value
    return out


def fetch_records(dumped: Iterable[dict], ctx: dict) -> None:
    """Load the records the dumped values refer to that ``ctx`` does not hold yet (one query per model)."""
    from django.apps import apps

    records = ctx.setdefault("_records", {})
    wanted: dict[str, set] = {}
    for data in dumped:
        for value in data.values():
            if isinstance(value, dict) and "$m" in value and value["pk"] not in records.get(value["$m"], {}):
                wanted.setdefault(value["$m"], set()).add(value["pk"])
    for label, pks in wanted.items():
        model = apps.get_model(label)
        records.setdefault(label, {}).update(model._base_manager.in_bulk(list(pks)))


# --- importers ---------------------------------------------------------------------------------


class Importer:
    key: str = ""
    label: str | Promise = ""
    module: str = ""  # permission module (its "import" action; "edit" too for update mode)
    columns: Sequence[Column] = ()
    batch_size: int = 1000
    template_name: str = "import-template"

    # -- declaration --

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def template_header(self) -> list[str]:
        return [f"{c.label}{' *' if c.required else ''}" for c in self.columns]

    def template_rows(self) -> list[list]:
        return [[str(c.example) if isinstance(c.example, Promise) else c.example for c in self.columns]]

    def propose_mapping(self, headers: Sequence[str]) -> dict[str, int]:
        """column key -> index of the header that names it (label in either language, key or alias)."""
        mapping: dict[str, int] = {}
        taken: set[int] = set()
        keys = [header_key(h) for h in headers]
        for exact in (True, False):
            for column in self.columns:
                if column.key in mapping:
                    continue
                names = column.names()
                for index, key in enumerate(keys):
                    if index in taken or not key:
                        continue
                    if key in names if exact else any(len(n) >= 2 and key.startswith(n) for n in names):
                        mapping[column.key] = index
                        taken.add(index)
                        break
        return mapping

    # -- a run --

    def context(self, job) -> dict:
        """Whatever the run needs once (users, dictionaries...); built outside any transaction."""
        return {"job": job, "user": job.created_by}

    def _plan(self, mapping: dict[str, int]) -> list[tuple]:
        key = tuple(sorted(mapping.items()))
        plans = self.__dict__.setdefault("_plans", {})
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = [
                (c, mapping.get(c.key), c.parse, c.max_length, c.repeats) for c in self.columns
                if c.key in mapping or c.required
            ]
        return plan

    def parse_row(self, row: Row, mapping: dict[str, int], ctx: dict) -> Row:
        raw = row.raw
        width = len(raw)
        values = row.values
        memo = ctx.setdefault("_parsed", {})  # (column, cell) -> (value, None) or (None, problem)
        planned = ctx.get("_plan")
        if planned is None or planned[0] is not mapping:  # the run's mapping: planned once
            planned = ctx["_plan"] = (mapping, self._plan(mapping))
        for column, index, parse, max_length, repeats in planned[1]:
            value = raw[index] if index is not None and index < width else None
            if value.__class__ is str:
                value = value.strip()
            if value is None or value == "":
                if column.required:
                    row.reject(_("%(column)s: this column is required.") % {"column": column.label}, column.key)
                continue
            if repeats:
                found = memo.get((column.key, value.__class__, value))
                if found is None:
                    found = memo[column.key, value.__class__, value] = self._parse_cell(column, value, parse, max_length, ctx)
            else:
                found = self._parse_cell(column, value, parse, max_length, ctx)
            if found[1] is None:
                values[column.key] = found[0]
            else:
                row.reject(found[1], column.key)
        if row.ok:
            self.clean(row, ctx)
        return row

    @staticmethod
    def _parse_cell(column: Column, value, parse, max_length, ctx: dict) -> tuple:
        """(parsed value, None), or (None, the problem for the user)."""
        try:
            parsed = parse(value, ctx) if parse is not None else as_text(value)
        except ValidationError as exc:
            return None, f"{column.label}: {' '.join(exc.messages)}"
        if max_length and parsed.__class__ is str and len(parsed) > max_length:
            return None, _("%(column)s: at most %(max)d characters (it has %(length)d).") % {
                "column": column.label, "max": max_length, "length": len(parsed),
            }
        return parsed, None

    def clean(self, row: Row, ctx: dict) -> None:
        """Checks across columns; call ``row.reject(message)``."""

    def duplicate_keys(self, row: Row) -> list[str]:
        """Keys that make two rows the same record (e.g. "name:…", "phone:…"); none: no in-file check."""
        return []

    def find_existing(self, rows: list[Row], ctx: dict) -> dict[int, Existing]:
        """{row.index: Existing} for the rows that match a record already saved."""
        return {}

    def create(self, rows: list[Row], ctx: dict) -> dict[int, list[str]]:
        """Save new records for ``rows``; returns {row.index: reasons} of the rows rejected."""
        return self._one_by_one(rows, lambda row: self.create_one(row, ctx))

    def update(self, pairs: list[tuple[Row, Existing]], ctx: dict) -> dict[int, list[str]]:
        """Update the matched records; returns {row.index: reasons} of the rows rejected."""
        rows = [row for row, _e in pairs]
        existing = {row.index: e for row, e in pairs}
        return self._one_by_one(rows, lambda row: self.update_one(row, existing[row.index], ctx))

    def create_one(self, row: Row, ctx: dict) -> None:
        raise NotImplementedError

    def update_one(self, row: Row, existing: Existing, ctx: dict) -> None:
        raise NotImplementedError

    def field_labels(self) -> dict[str, str]:
        return {c.key: c.label for c in self.columns}

    def _one_by_one(self, rows: list[Row], save: Callable[[Row], None]) -> dict[int, list[str]]:
        from django.core.exceptions import PermissionDenied

        rejected: dict[int, list[str]] = {}
        labels = self.field_labels()
        for row in rows:
            try:
                with transaction.atomic():  # a savepoint: this row only
                    save(row)
            except RowRejected as exc:
                rejected[row.index] = exc.reasons
            except ValidationError as exc:
                rejected[row.index] = messages_of(exc, labels)
            except PermissionDenied as exc:
                rejected[row.index] = [str(exc)]
        return rejected


_importers: dict[str, Importer] = {}


def register_importer(importer: Importer) -> Importer:
    if not importer.key:
        raise ValueError("an importer needs a key")
    _importers[importer.key] = importer
    return importer


def get_importer(key: str) -> Importer:
    try:
        return _importers[key]
    except KeyError:
        raise LookupError(f"no importer {key!r}") from None


def importers() -> list[Importer]:
    return list(_importers.values())


# --- exporters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportColumn:
    label_zh: str
    label_en: str
    value: Callable[[Any], Any]  # record -> cell value

    @property
    def label(self) -> str:
        return in_language(self.label_zh, self.label_en)


def label_of(item) -> str:
    """A dictionary value's (or type's, stage's) label in the user's language; "" for none."""
    return item.label if item is not None else ""


class Exporter:
    """What one list exports: the module (its "export" action and the export_excel right are
    required), the rows the user may see with the list's filters, and the columns."""

    key: str = ""
    label: str | Promise = ""
    module: str = ""
    filename: str = "export"
    columns: Sequence[ExportColumn] = ()

    def queryset(self, request):
        raise NotImplementedError

    @staticmethod
    def listed(request, read_filters: Callable, listing: Callable, *related: str):
        """The list page's rows as it shows them: ``read_filters(query, user)`` gives the valid
        filters (an invalid one is left out, as on the page), ``listing(user, filters, sort)`` the
        scoped, filtered and sorted queryset; ``related`` is what the columns read."""
        _form, filters = read_filters(request.GET, request.user)
        return listing(request.user, filters, request.GET.get("sort")).select_related(*related)

    def columns_for(self, request) -> Sequence[ExportColumn]:
        """The columns this user gets (an exporter may leave out what the user may not see)."""
        return self.columns

    def rows(self, queryset, columns: Sequence[ExportColumn] | None = None) -> Iterable[list]:
        columns = self.columns if columns is None else columns
        for record in queryset.iterator(chunk_size=2000):
            yield [c.value(record) for c in columns]


_exporters: dict[str, Exporter] = {}


def register_exporter(exporter: Exporter) -> Exporter:
    _exporters[exporter.key] = exporter
    return exporter


def get_exporter(key: str) -> Exporter:
    try:
        return _exporters[key]
    except KeyError:
        raise LookupError(f"no exporter {key!r}") from None


def exporters() -> list[Exporter]:
    return list(_exporters.values())
