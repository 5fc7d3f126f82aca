"""Creating many customers with their first contact at once (imports, CUS-08).

``create_customers`` does what ``services.create_customer(confirm_duplicates=True, check_permission=False)``
does for one customer, for a whole batch in a handful of queries:

- the same validation: each Customer and Contact is built with the same fields
  (``services.CUSTOMER_FIELDS`` / ``CONTACT_FIELDS``) and checked as the model's ``full_clean``
  checks them (each field's own ``clean``: lengths, e-mail, choices, heat, ...; once per
  distinct value of a field in the batch). Only the per-row database look-ups of the foreign keys
  are replaced: dictionary values are checked against the tenant's cached pick-lists (the right
  list, and enabled, exactly what ``DictionaryForeignKey``'s ``limit_choices_to`` allows), the
  owner and parent must be saved rows;
- customer numbers: a given number must not be in use (nor twice in the batch); otherwise
  ``KH<yyyymm><id>`` from the id, as ``create_customer`` makes it. Ids are drawn from the table's
  sequence first, so numbers are written in the same INSERT;
- search keys (``apply_search_keys``) for both, the contact primary, and the phone index
  (``PhoneNumber``) from the customer's and the contact's numbers, as ``sync_phones`` builds it;
- rows are written with COPY (``imports.dbcopy.insert``) inside one savepoint: a batch is all
  or nothing, and the caller (the import framework) falls back to ``create_customer`` row by
  row if the insert itself fails. The data log gets one creation event per customer and contact,
  with the import's context (user, job), written by one statement per table instead of the
  row trigger.

Duplicate warnings are the caller's business (imports detect them for a whole batch at once).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from saas_core.customers.models import Contact, Customer, PhoneNumber
from saas_core.customers.phones import normalise_phone
from saas_core.customers.services import (
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    apply_search_keys,
    normalise_region,
    reserve_ids,
)
from saas_core.dictionaries.fields import DictionaryForeignKey
from saas_core.dictionaries.services import items_for
from saas_core.imports.dbcopy import insert

_NOT_CHECKED_BY_FULL_CLEAN = {"customer", "number", "search_tokens", "created_by", "bin_entry"}


def _relations(model) -> list:
    return [f for f in model._meta.concrete_fields if f.is_relation]


CUSTOMER_RELATIONS = _relations(Customer)
CONTACT_RELATIONS = _relations(Contact)
_ALL_FIELDS = {Customer: {f.name for f in Customer._meta.fields}, Contact: {f.name for f in Contact._meta.fields}}


@dataclass
class NewCustomer:
    """One customer to create: its fields (as for create_customer) and its first contact's, if any."""

    fields: dict
    contact: dict | None = None


def _check_relations(record, relations, given, prefix: str, errors: dict, allowed: dict) -> None:
    for field in relations:
        if field.name not in given:
            continue
        value = getattr(record, field.attname)
        if value is None:
            continue
        if isinstance(field, DictionaryForeignKey):
            ids = allowed.get(field.type_key)
            if ids is None:
                ids = allowed[field.type_key] = {item.pk for item in items_for(field.type_key)}
            if value not in ids:
                errors.setdefault(f"{prefix}{field.name}", []).append(
                    _("Select a valid choice. That choice is not one of the available choices.")
                )
        elif (related := record._state.fields_cache.get(field.name)) is not None and related.pk is None:
            errors.setdefault(f"{prefix}{field.name}", []).append(_("This record does not exist."))


_CHECKED_FIELDS: dict = {}
_MEMO_TYPES = frozenset((str, int, bool, dt.date, dt.datetime, Decimal))


def _fields_to_check(model, given) -> list:
    """The fields ``full_clean(exclude=…)`` would check for these given fields, in its order."""
    key = (model, frozenset(given))
    found = _CHECKED_FIELDS.get(key)
    if found is None:
        relations = {f.name for f in _relations(model)}
        checked = ({"name"} | set(given)) - _NOT_CHECKED_BY_FULL_CLEAN - relations
        found = _CHECKED_FIELDS[key] = [f for f in model._meta.fields if f.name in checked and not f.generated]
    return found


def _clean_fields(record, fields: list, memo: dict) -> dict:
    """What ``record.full_clean`` finds wrong with these fields ({name: error list}), as its
    ``clean_fields`` does, each field's ``clean`` run once per distinct value (``memo``): for the
    fields here (no relations) it depends on the value only, and an import repeats values a lot."""
    errors = {}
    data = record.__dict__
    for f in fields:
        raw = data[f.attname]
        if f.blank and raw in f.empty_values:
            continue
        kind = type(raw)
        key = (f, kind, raw) if kind in _MEMO_TYPES else None  # immutable values only; True is not 1 here
        found = memo.get(key) if key is not None else None
        if found is None:
            try:
                found = (True, f.clean(raw, record))
            except ValidationError as exc:
                found = (False, exc.error_list)
            if key is not None:
                memo[key] = found
        if found[0]:
            data[f.attname] = found[1]
        else:
            errors[f.name] = found[1]
    if type(record).clean is not Model.clean:
        try:
            record.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    return errors


def validate(customer: Customer, contact: Contact | None, given: set[str], contact_given: set[str],
             allowed: dict | None = None, memo: dict | None = None) -> dict[str, list[str]]:
    """The field errors create_customer would raise for this customer and contact ({} when valid).

    ``given`` (``contact_given``) are the fields set from the input: the others keep the model's
    defaults, which are valid, so only these (and ``name``, required) are checked, as
    ``full_clean`` checks them (same messages).
    """
    allowed = {} if allowed is None else allowed
    memo = {} if memo is None else memo
    errors: dict[str, list[str]] = {}
    try:
        normalise_region(customer)  # resolve() keeps its answers: imports repeat places a lot
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for record, prefix, relations, fields in (
        (customer, "", CUSTOMER_RELATIONS, given), (contact, "contact_", CONTACT_RELATIONS, contact_given),
    ):
        if record is None:
            continue
        found = _clean_fields(record, _fields_to_check(type(record), fields), memo)
        if found:
            for key, messages in ValidationError(found).message_dict.items():
                errors.setdefault(f"{prefix}{key}", []).extend(messages)
        _check_relations(record, relations, fields, prefix, errors, allowed)
    return errors


class _KeysCache:
    """apply_search_keys, computed once per distinct name (contact names repeat a lot)."""

    FIELDS = ("search_tokens", "search_initials", "search_spelled", "surname", "surname_initial")

    def __init__(self):
        self.done: dict = {}
        self.fields: dict = {}

    def apply(self, record) -> None:
        model = type(record)
        data = record.__dict__
        key = (model, data["name"], data.get("short_name", ""))
        found = self.done.get(key)
        if found is None:
            apply_search_keys(record)
            names = self.fields.get(model)
            if names is None:
                names = self.fields[model] = tuple(f for f in self.FIELDS if f in data)
            self.done[key] = {name: data[name] for name in names}
            return
        data.update(found)
        data["search_tokens"] = list(found["search_tokens"])  # a list of its own for each record


_TEMPLATES: dict = {}
_RELATED = {
    model: {f.name: f.attname for f in model._meta.concrete_fields if f.is_relation} for model in (Customer, Contact)
}


def _new(model, by, values: dict, allowed_fields: tuple[str, ...], **extra):
    """``model(created_by=by, **values)`` without Django's per-field __init__ work (defaults copied
    from one prototype; foreign keys set by id, as the bulk insert writes them)."""
    template = _TEMPLATES.get(model)
    if template is None:
        proto = model()
        template = _TEMPLATES[model] = {k: v for k, v in proto.__dict__.items() if k != "_state"}
    obj = model.__new__(model)
    data = obj.__dict__
    data.update(template)
    data["search_tokens"] = []
    obj._state = ModelState()
    related = _RELATED[model]
    data["created_by_id"] = by.pk if by is not None else None
    for key, value in (*values.items(), *extra.items()):
        if key not in allowed_fields and key not in extra:
            continue
        if key in related:
            data[related[key]] = value.pk if value is not None else None
            if value is not None:
                obj._state.fields_cache[key] = value
        else:
            data[key] = value
    return obj


def _phone_rows(customer: Customer, contact: Contact | None) -> list[tuple]:
    """The PhoneNumber rows services.sync_phones builds (see services._phones_of), as COPY rows."""
    rows = []
    for raw in (customer.phone, customer.fax):
        if digits := normalise_phone(raw):
            rows.append((customer.pk, None, digits, digits[::-1]))
    if contact is not None:
        for raw in (contact.mobile, contact.phone):
            if digits := normalise_phone(raw):
                rows.append((customer.pk, contact.pk, digits, digits[::-1]))
    return rows


def create_customers(items: list[NewCustomer], *, by) -> list[Customer | ValidationError]:
    """Create ``items`` (customers with their first contact); one result per item, in order:
    the saved Customer, or the ValidationError that item would get from create_customer."""
    results: list[Customer | ValidationError | None] = [None] * len(items)
    allowed: dict = {}
    memo: dict = {}
    pending: list[tuple[int, Customer, Contact | None]] = []
    for i, item in enumerate(items):
        fields = dict(item.fields)
        owner = fields.pop("owner", by)
        customer = _new(Customer, by, fields, CUSTOMER_FIELDS, owner=owner)
        customer.number = (customer.number or "").strip()
        contact = None
        if item.contact:
            contact = _new(Contact, by, item.contact, CONTACT_FIELDS, is_primary=True)
        errors = validate(customer, contact, set(fields) | {"owner"}, set(item.contact or ()), allowed, memo)
        if errors:
            results[i] = ValidationError(errors)
        else:
            pending.append((i, customer, contact))
    given = [c.number for _i, c, _k in pending if c.number]
    if given:
        taken = set(Customer.objects.filter(number__in=given).values_list("number", flat=True))
        seen: set[str] = set()
        still = []
        for i, customer, contact in pending:
            if customer.number and (customer.number in taken or customer.number in seen):
                results[i] = ValidationError({"number": [
                    _("Customer number %(number)s is already in use.") % {"number": customer.number}
                ]})
                continue
            if customer.number:
                seen.add(customer.number)
            still.append((i, customer, contact))
        pending = still
    if not pending:
        return results  # type: ignore[return-value]
    now = timezone.now()
    keys = _KeysCache()
    contacts = [k for _i, _c, k in pending if k is not None]
    contact_ids = iter(reserve_ids(Contact, len(contacts)) if contacts else ())
    for (i, customer, contact), pk in zip(pending, reserve_ids(Customer, len(pending)), strict=True):
        customer.pk = pk
        if not customer.number:
            customer.number = f"KH{now:%Y%m}{pk:06d}"  # as create_customer numbers it
        keys.apply(customer)
        if contact is not None:
            contact.customer_id = customer.pk
            contact._state.fields_cache["customer"] = customer
            contact.pk = next(contact_ids)
            keys.apply(contact)
        results[i] = customer
    phones: list[tuple] = []
    for _i, customer, contact in pending:
        phones.extend(_phone_rows(customer, contact))
    with transaction.atomic():
        insert(Customer, [c for _i, c, _k in pending])
        insert(Contact, contacts)
        if phones:
            with connection.cursor() as cursor:
                columns = "customer_id, contact_id, digits, reversed_digits"
                with cursor.cursor.copy(f"COPY {PhoneNumber._meta.db_table} ({columns}) FROM STDIN") as copy:
                    for row in phones:
                        copy.write_row(row)
    for _i, customer, contact in pending:
        customer._state.adding = False
        if contact is not None:
            contact._state.adding = False
    return results  # type: ignore[return-value]
