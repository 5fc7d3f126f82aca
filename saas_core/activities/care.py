"""Customer care (CUS-10): birthday and holiday reminders for contacts' owners, care records."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from saas_core.accounts.models import User
from saas_core.activities.models import CareRecord, CareRun, Reminder
from saas_core.activities.services import _check_customer, add_reminders, speaking
from saas_core.customers.models import Contact, Customer
from saas_core.dictionaries.models import DictionaryItem
from saas_core.org.access import require
from saas_core.org.scope import can_see, visible
from saas_core.tenancy import company_zone

MODULE = "activities"
CARE_FIELDS = ("customer", "contact", "kind", "subject", "content", "day")
REMIND_HOUR = 9  # care reminders arrive at 09:00 company time (or at once when generated later)


@transaction.atomic
def save_care_record(record: CareRecord | None, *, by: User, **fields) -> CareRecord:
    require(by, MODULE, "create" if record is None else "edit")
    if record is not None and not can_see(by, record):
        raise PermissionDenied(_("This care record is not in your data scope."))
    record = record or CareRecord(by=by, created_by=by)
    for key, value in fields.items():
        if key in CARE_FIELDS:
            setattr(record, key, value)
    if not record.customer_id:
        raise ValidationError({"customer": [_("Choose the customer.")]})
    if record.day is None:
        record.day = timezone.localdate()
    _check_customer(by, record.customer, record.contact if record.contact_id else None)
    record.full_clean(exclude=["by", "customer", "contact"])
    record.save()
    return record


def care_records_for(user: User) -> QuerySet[CareRecord]:
    return visible(CareRecord.objects.select_related("customer", "contact", "kind", "by"), user)


def holiday_date(item: DictionaryItem, year: int) -> date | None:
    """The Gregorian date of a "holiday" dictionary value in ``year`` (solar, lunar or solar term)."""
    extra = item.extra or {}
    month, day = extra.get("month"), extra.get("day")
    if not (month and day):
        return None
    try:
        if extra.get("calendar") == "lunar":
            from lunardate import LunarDate

            return LunarDate(year, int(month), int(day)).to_solar_date()
        return date(year, int(month), int(day))  # solar; solar terms are stored at their usual date
    except (ValueError, TypeError):
        return None


def holidays_between(start: date, end: date) -> list[tuple[date, DictionaryItem]]:
    found = []
    for item in DictionaryItem.objects.filter(type__key="holiday", is_active=True):
        for year in range(start.year, end.year + 1):
            day = holiday_date(item, year)
            if day and start <= day <= end:
                found.append((day, item))
    return sorted(found, key=lambda pair: pair[0])


def birthdays_on(day: date) -> QuerySet[Contact]:
    return Contact.objects.filter(birthday__month=day.month, birthday__day=day.day, customer__owner__isnull=False,
                                  customer__deleted_at__isnull=True).select_related("customer")


def _remind_time(day: date, zone) -> datetime:
    at = datetime.combine(day, time(REMIND_HOUR), tzinfo=zone)
    return max(at, timezone.now())


def ensure_care_reminders(today: date) -> int:
    """Today's birthday reminders (to each contact's customer owner) and holiday reminders (the
    day before, to everyone who owns customers); once per company day (CareRun is unique)."""
    try:
        with transaction.atomic():
            CareRun.objects.create(day=today)
    except IntegrityError:
        return 0
    zone = company_zone()
    rows = []
    for contact in birthdays_on(today).select_related("customer__owner"):
        with speaking(contact.customer.owner):
            title = _("Birthday today: %(contact)s (%(customer)s)") % {"contact": contact.name, "customer": contact.customer.name}
        rows.append(Reminder(
            user_id=contact.customer.owner_id, remind_at=_remind_time(today, zone), source=Reminder.Source.BIRTHDAY,
            key=f"birthday:{contact.pk}:{today.isoformat()}", title=title, url=f"/customers/{contact.customer_id}/",
        ))
    tomorrow = today + timedelta(days=1)
    holidays = holidays_between(tomorrow, tomorrow)
    if holidays:
        counts = dict(Customer.objects.filter(owner__isnull=False, owner__is_active=True).values_list("owner_id")
                      .annotate(n=Count("id")))
        for day, item in holidays:
            for owner in User.objects.filter(pk__in=list(counts)):
                with speaking(owner):
                    title = _("Tomorrow is %(holiday)s: send greetings to your %(count)d customers") % {
                        "holiday": item.label, "count": counts[owner.pk]}
                rows.append(Reminder(
                    user_id=owner.pk, remind_at=_remind_time(today, zone), source=Reminder.Source.HOLIDAY,
                    key=f"holiday:{item.key}:{day.isoformat()}", title=title, url="/activities/care/",
                ))
    return add_reminders(rows)
