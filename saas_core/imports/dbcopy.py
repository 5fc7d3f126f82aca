"""Fast inserts for imports: PostgreSQL COPY, keeping the data log.

``insert(model, objs)`` writes model instances with ``COPY … FROM STDIN`` (no per-row SQL to
build, no parameter arrays to quote on the client), inside the caller's transaction. For a
business record tracked by the data log (django-pghistory), the row-level insert trigger is told
to stand aside for these rows only (pgtrigger's own ``pgtrigger.ignore`` setting, local to the
transaction) and the identical event rows are written by one ``INSERT … SELECT`` carrying the
current data-log context (user, import job), as the trigger would have written them one by one.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models, transaction
from django.utils import timezone


def _history(model):
    """(event model, pgid of its row insert trigger) when the data log tracks inserts of ``model``."""
    import pgtrigger
    from django.apps import apps

    try:
        event = apps.get_model(model._meta.app_label, f"{model.__name__}Event")
        triggers = list(pgtrigger.registered(f"{model._meta.label}:insert_insert"))
    except (LookupError, ValueError):
        return None
    if len(triggers) != 1:
        return None
    names = {f.name for f in event._meta.concrete_fields if f.name.startswith("pgh_")}
    if names != {"pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_context"}:
        return None  # a data log shaped otherwise: let its trigger write the events
    return event, triggers[0][1].get_pgid(model)


def text_array(values) -> str | None:
    """A text[] literal ({"a","b"}): psycopg's list dumper quotes element by element with regexes."""
    if values is None:
        return None
    if not values:
        return "{}"
    try:
        joined = '","'.join(values)
    except TypeError:  # None or not text among them
        joined = None
    if joined is not None and joined.count('"') == 2 * (len(values) - 1) and "\\" not in joined:
        return '{"' + joined + '"}'  # nothing to escape (search keys, nearly always)
    return "{" + ",".join(
        "NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values
    ) + "}"


_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.DateField,
          models.ForeignKey, models.AutoField, models.BigAutoField)


def _copy(cursor, model, objs: list, *, with_id: bool) -> None:
    from django.db import connections

    conn = connections["default"]
    fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
    columns = ", ".join(conn.ops.quote_name(f.column) for f in fields)
    # Values go to psycopg as they are (it adapts str, int, bool, dates, aware datetimes, lists),
    # read from each object in one go; Django prepares the others. auto_now(_add) timestamps
    # are one "now" for the whole insert, set on the objects as save() would set them.
    now = timezone.now()
    stamped = {
        f.attname: now if isinstance(f, models.DateTimeField) else dt.date.today() for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    converters = []
    for i, f in enumerate(fields):
        if f.attname in stamped:
            continue
        if isinstance(f, ArrayField) and isinstance(f.base_field, models.CharField | models.TextField):
            converters.append((i, text_array))
        elif isinstance(f, models.DateTimeField):
            converters.append((i, lambda v, f=f: v if v is None or timezone.is_aware(v) else f.get_db_prep_save(v, conn)))
        elif not isinstance(f, _PLAIN):
            converters.append((i, lambda v, f=f: f.get_db_prep_save(v, conn)))
    values_of = attrgetter(*(f.attname for f in fields))
    with cursor.copy(f"COPY {conn.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        write = copy.write_row
        for obj in objs:
            if stamped:
                obj.__dict__.update(stamped)
            row = values_of(obj)
            if converters:
                row = list(row) if len(fields) > 1 else [row]
                for i, convert in converters:
                    row[i] = convert(row[i])
            elif len(fields) == 1:
                row = (row,)
            write(row)


def insert(model, objs: list, *, with_id: bool = True) -> None:
    """Insert ``objs`` (ids already set when ``with_id``) with COPY, inside the caller's transaction.

    Business records keep their data log: the per-row insert trigger is told to stand aside
    (pgtrigger's own ignore setting, for this transaction only) and the same event rows are
    written by one INSERT … SELECT with the current data-log context, as the trigger would.
    """
    if not objs:
        return
    history = _history(model) if with_id else None
    with transaction.atomic(), connection.cursor() as wrapper:  # the ignore setting is local to a transaction
        raw = wrapper.cursor
        if history is None:
            _copy(raw, model, objs, with_id=with_id)
            return
        event, pgid = history
        wrapper.execute("SELECT _pgh_attach_context()")  # the import's context (user, job), once
        context_id = wrapper.fetchone()[0]
        wrapper.execute("SELECT current_setting('pgtrigger.ignore', true)")
        before = wrapper.fetchone()[0] or ""
        ignored = [n for n in before.strip("{}").split(",") if n] + [pgid]
        raw.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(ignored) + "}"])
        try:
            _copy(raw, model, objs, with_id=True)
        finally:
            raw.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [before])
        source = {f.column for f in model._meta.concrete_fields}
        copied = [f.column for f in event._meta.concrete_fields if not f.name.startswith("pgh_") and f.column in source]
        q = connection.ops.quote_name
        targets = ", ".join(q(c) for c in copied)
        pk = q(model._meta.pk.column)
        pk_type = model._meta.pk.rel_db_type(connection)  # bigint for a BigAutoField, as its foreign keys
        raw.execute(
            f"INSERT INTO {q(event._meta.db_table)} (pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {targets}) "
            f"SELECT NOW(), 'insert', {pk}, %s, {targets} FROM {q(model._meta.db_table)} WHERE {pk} = ANY(%s::{pk_type}[])",
            [context_id, "{" + ",".join([str(o.pk) for o in objs]) + "}"],  # one literal: no dumper per id
        )
