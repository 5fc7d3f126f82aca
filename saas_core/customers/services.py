"""Customer and contact operations; web pages, the API, imports and tasks all call these."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plugins import events
from saas_core import regions
from saas_core.customers.models import Contact, Customer, PhoneNumber
from saas_core.customers.phones import normalise_phone
from saas_core.customers.search_keys import keys_for, normalise
from saas_core.org.access import require

CUSTOMER_FIELDS = (
    "number", "name", "short_name", "kind", "status", "category", "grade", "customer_type", "industry",
    "source", "value_class", "province", "city", "district", "address", "phone", "fax", "email", "website", "remark",
    "parent", "owner", "is_hot", "heat", "hot_reason", "hot_until", "next_contact_at",
)
CONTACT_FIELDS = (
    "name", "gender", "title", "department", "mobile", "phone", "email", "qq", "wechat", "role", "category",
    "birthday", "is_primary", "remark",
)


REGION_FIELDS = ("province", "city", "district")


def region_of(customer: Customer) -> tuple[str, str, str]:
    return tuple(getattr(customer, name) or "" for name in REGION_FIELDS)  # type: ignore[return-value]


def normalise_region(customer: Customer, before: tuple[str, str, str] | None = None) -> None:
    """Store the standard names of the customer's province, city and district (江苏 → 江苏省),
    refusing (RegionError, by field) what is not a place of China or not inside its province or
    city. A place left as it was (``before``: typed before the picker existed, or abroad) is kept."""
    current = region_of(customer)
    if current == before:
        return
    customer.province, customer.city, customer.district = regions.resolve(*current)


def apply_search_keys(record: Customer | Contact) -> None:
    texts = (record.name, getattr(record, "short_name", ""))
    keys = keys_for(*texts)
    record.search_tokens, record.search_initials, record.search_spelled = keys.tokens, keys.initials, keys.spelled
    if isinstance(record, Contact):
        record.surname = surname_of(record.name)
        initials = keys_for(record.surname).initials[:1] if record.surname else ""
        record.surname_initial = (initials or normalise(record.surname or record.name)[:1]).upper()[:1]


COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐",
    "钟离", "端木", "南宫", "独孤", "西门",
)


def surname_of(name: str) -> str:
    """The family name of a Chinese name (百家姓 index); the first word of a Western one."""
    name = (name or "").strip()
    if not name:
        return ""
    if any("\u4e00" <= c <= "\u9fff" for c in name[:2]):
        return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    parts = name.split()
    return parts[-1][:10] if len(parts) > 1 else parts[0][:10]


def _phones_of(customer: Customer, contacts) -> list[PhoneNumber]:
    rows = []
    for raw in (customer.phone, customer.fax):
        if digits := normalise_phone(raw):
            rows.append(PhoneNumber(customer=customer, digits=digits, reversed_digits=digits[::-1]))
    for contact in contacts:
        for raw in (contact.mobile, contact.phone):
            if digits := normalise_phone(raw):
                rows.append(PhoneNumber(customer=customer, contact=contact, digits=digits, reversed_digits=digits[::-1]))
    return rows


def sync_phones(customer: Customer) -> None:
    """Rebuild a customer's phone index from its own numbers and its contacts'."""
    PhoneNumber.objects.filter(customer=customer).delete()
    PhoneNumber.objects.bulk_create(_phones_of(customer, customer.contacts.all()))


# --- duplicates (撞单) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    customer_id: int
    name: str
    owner: str
    reason: str

    @property
    def text(self) -> str:
        """The warning line, translated here: the live check's script used to fill in a template
        string that Django had escaped to "%%(name)s" and so never found in the catalogue (issue 14)."""
        return _("“%(name)s” — owner: %(owner)s (%(reason)s)") % {"name": self.name, "owner": self.owner, "reason": self.reason}


def find_duplicates(*, name: str = "", phones: tuple[str, ...] = (), exclude: int | None = None) -> list[Duplicate]:
    """Customers of the whole company with the same full name or any same phone number.

    Deliberately outside the user's data scope: the point is to tell a salesperson that a
    colleague already owns this customer. Only the name and owner are revealed.
    """
    found: dict[int, Duplicate] = {}
    name = (name or "").strip()
    if name:
        for c in Customer.objects.filter(name=name).exclude(pk=exclude).select_related("owner")[:10]:
            found[c.pk] = Duplicate(c.pk, c.name, str(c.owner or _("public pool")), _("same name"))
    digits = [d for d in (normalise_phone(p) for p in phones) if len(d) >= 7]
    if digits:
        hits = (
            Customer.objects.filter(pk__in=PhoneNumber.objects.filter(digits__in=digits).values("customer_id"))
            .exclude(pk=exclude).select_related("owner")[:10]
        )
        for c in hits:
            found.setdefault(c.pk, Duplicate(c.pk, c.name, str(c.owner or _("public pool")), _("same phone number")))
    return list(found.values())


class DuplicateCustomer(ValidationError):
    """Raised by create_customer when duplicates exist and the user has not confirmed."""

    def __init__(self, duplicates: list[Duplicate]):
        self.duplicates = duplicates
        lines = [
            _("“%(name)s” (owner: %(owner)s, %(reason)s)") % {"name": d.name, "owner": d.owner, "reason": d.reason}
            for d in duplicates
        ]
        super().__init__(
            _("This customer may already exist: %(list)s. Check with the owner, or confirm to create it anyway.")
            % {"list": "; ".join(lines)},
            code="duplicate",
        )


class DuplicateContact(ValidationError):
    """Raised by save_contact when a new number of the contact belongs to another customer and
    the user has not confirmed; keyed "confirm_duplicates", the field that confirms it."""

    def __init__(self, duplicates: list[Duplicate]):
        self.duplicates = duplicates
        lines = [
            _("“%(name)s” (owner: %(owner)s)") % {"name": d.name, "owner": d.owner} for d in duplicates
        ]
        super().__init__({"confirm_duplicates": [ValidationError(
            _("This number already belongs to another customer: %(list)s. Check with the owner, or confirm to "
              "save it anyway.") % {"list": "; ".join(lines)},
            code="duplicate",
        )]})


# --- customers ----------------------------------------------------------------------------------


def reserve_ids(model, count: int = 1) -> list[int]:
    """The next ``count`` ids of ``model``'s table, taken from its sequence before the rows are
    inserted (so a number derived from the id is in the INSERT itself)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [model._meta.db_table, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _assign(record, fields: dict, allowed: tuple[str, ...]) -> None:
    for key, value in fields.items():
        if key in allowed:
            setattr(record, key, value)


@transaction.atomic
def create_customer(
    *, by, contact: dict | None = None, confirm_duplicates: bool = False, check_permission: bool = True, **fields,
) -> Customer:
    """Create a customer (owned by ``by`` unless ``owner`` is given), optionally with its first contact."""
    if check_permission:
        require(by, "customers", "create")
    customer = Customer(created_by=by, owner=fields.pop("owner", by))
    _assign(customer, fields, CUSTOMER_FIELDS)
    contact_obj = None
    if contact:
        contact_obj = Contact(customer=customer, created_by=by, is_primary=True)
        _assign(contact_obj, contact, CONTACT_FIELDS)
    errors = {}
    try:
        normalise_region(customer)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for record, prefix in ((customer, ""), (contact_obj, "contact_")):
        if record is None:
            continue
        try:
            record.full_clean(exclude=["customer", "number", "search_tokens"], validate_unique=False)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(f"{prefix}{key}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if not confirm_duplicates:
        phones = (customer.phone, *( (contact_obj.mobile, contact_obj.phone) if contact_obj else ()))
        duplicates = find_duplicates(name=customer.name, phones=phones)
        if duplicates:
            raise DuplicateCustomer(duplicates)
    apply_search_keys(customer)
    customer.number = (customer.number or "").strip()
    if customer.number and Customer.objects.filter(number=customer.number).exists():
        raise ValidationError({"number": [_("Customer number %(number)s is already in use.") % {"number": customer.number}]})
    if not customer.number:
        # From the id, drawn from the table's sequence first so the number is in the INSERT (one
        # creation event in the data log, no follow-up UPDATE); unique without a counter to lock.
        [customer.pk] = reserve_ids(Customer)
        customer.number = f"KH{timezone.now():%Y%m}{customer.pk:06d}"
    customer.save(force_insert=True)
    if contact_obj is not None:
        contact_obj.customer = customer
        apply_search_keys(contact_obj)
        contact_obj.save()
    sync_phones(customer)
    events.emit("crm_customer_created", customer=customer, user=by)
    if contact_obj is not None:
        events.emit("crm_contact_created", contact=contact_obj, user=by)
    return customer


@transaction.atomic
def update_customer(customer: Customer, *, by, check_permission: bool = True, **fields) -> Customer:
    if check_permission:
        require(by, "customers", "edit")
    before = region_of(customer)
    _assign(customer, fields, CUSTOMER_FIELDS)
    normalise_region(customer, before)
    customer.full_clean(exclude=["number", "search_tokens"], validate_unique=False)
    if "number" in fields and Customer.objects.filter(number=customer.number).exclude(pk=customer.pk).exists():
        raise ValidationError({"number": [_("Customer number %(number)s is already in use.") % {"number": customer.number}]})
    apply_search_keys(customer)
    customer.save()
    sync_phones(customer)
    return customer


def _new_numbers(contact: Contact, before: set[str]) -> tuple[str, ...]:
    """The contact's numbers that it did not have before (as typed)."""
    return tuple(raw for raw in (contact.mobile, contact.phone) if raw and normalise_phone(raw) not in before)


@transaction.atomic
def save_contact(
    contact: Contact | None, *, customer: Customer, by, confirm_duplicates: bool = True, **fields,
) -> Contact:
    """Create or change a contact of ``customer``.

    With ``confirm_duplicates=False`` (the contact form, until the user ticks "save anyway") a
    mobile or phone number the contact did not have before, which another customer of the
    company already has, is refused with DuplicateContact naming that customer and its owner (撞单).
    """
    require(by, "contacts", "create" if contact is None else "edit")
    created = contact is None
    contact = contact or Contact(customer=customer, created_by=by)
    before = {normalise_phone(raw) for raw in (contact.mobile, contact.phone)} if contact.pk else set()
    _assign(contact, fields, CONTACT_FIELDS)
    if not confirm_duplicates and (numbers := _new_numbers(contact, before)):
        duplicates = find_duplicates(phones=numbers, exclude=customer.pk)
        if duplicates:
            raise DuplicateContact(duplicates)
    contact.full_clean(exclude=["customer", "search_tokens"], validate_unique=False)
    apply_search_keys(contact)
    contact.save()
    if contact.is_primary:
        customer.contacts.exclude(pk=contact.pk).filter(is_primary=True).update(is_primary=False)
    sync_phones(customer)
    if created:
        events.emit("crm_contact_created", contact=contact, user=by)
    return contact




def after_restore(model, pks) -> None:
    """Restored customers or contacts: their numbers become searchable again."""
    customer_ids = pks if model is Customer else Contact.all_objects.filter(pk__in=pks).values_list("customer_id", flat=True)
    for customer in Customer.objects.filter(pk__in=list(customer_ids)):
        sync_phones(customer)


def record_contact(customer: Customer, *, at, next_at=None) -> None:
    """A follow-up with this customer happened at ``at`` (ACT-01): its last contact moves forward,
    never back (an older follow-up entered late changes nothing), and the next planned contact is
    set when given. The public pools' reclaim rule reads ``last_contact_at`` (saas_core.pools)."""
    from django.db.models import F, Value
    from django.db.models.functions import Coalesce, Greatest

    changes = {"last_contact_at": Greatest(Coalesce(F("last_contact_at"), Value(at)), Value(at))}
    if next_at is not None:
        changes["next_contact_at"] = next_at
    Customer.objects.filter(pk=customer.pk).update(**changes)
