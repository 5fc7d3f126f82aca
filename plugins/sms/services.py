"""SMS operations that the pages, the API and the tasks all call (SMS-01).

A send (single, test or group) is one transaction: the recipients are resolved (data scope of
the sender, opted-out numbers skipped and counted), the parts are reserved against the month's
quota with one conditional ``F()`` update (two sends racing for the last parts cannot both get
them), the log rows are written, and the delivery tasks are queued when it commits (or left to
the beat tick for a set time). Nothing is half-written: a refusal leaves no row behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from plugins.sms import access, providers, sending, text
from plugins.sms.models import Provider, SmsAudience, SmsBatch, SmsMessage, SmsSettings, SmsTemplate, SmsUsage
from saas_core import egress
from saas_core.customers.models import Contact, Customer
from saas_core.org.access import require, require_boss
from saas_core.sending import addresses, audiences, suppression
from saas_core.sending.models import Channel, Reason, Suppression

MAX_RECIPIENTS = 10_000
MAX_SCHEDULE_DAYS = 90
TEST_SEND_VALID_HOURS = 24
SETTINGS_FIELDS = ("provider", "access_key_id", "access_key_secret", "app_id", "region", "sender_number", "endpoint",
                   "signature", "price_per_part_minor", "currency", "monthly_quota", "remind_by_sms",
                   "reminder_template")
SECRET_FIELDS = ("access_key_secret",)
NULLABLE_FIELDS = ("reminder_template",)
TEMPLATE_ONLY = (Provider.ALIYUN, Provider.TENCENT)


# --- settings ----------------------------------------------------------------------------------


def gateway_settings(*, lock: bool = False) -> SmsSettings:
    """The company's SMS settings (created with the defaults on first use)."""
    SmsSettings.objects.get_or_create(pk=1)
    qs = SmsSettings.objects.select_for_update() if lock else SmsSettings.objects
    return qs.get(pk=1)


@transaction.atomic
def save_settings(*, by, **fields) -> SmsSettings:
    """The Boss sets the provider, credentials, signature, price and quota. An empty secret keeps
    the stored one (the page and the API never show it back)."""
    require_boss(by, _("Only the Boss may change the SMS settings."))
    config = gateway_settings(lock=True)
    for key in SETTINGS_FIELDS:
        if key not in fields or (fields[key] is None and key not in NULLABLE_FIELDS):
            continue
        value = fields[key].strip() if isinstance(fields[key], str) else fields[key]
        if key in SECRET_FIELDS and value == "":
            continue
        setattr(config, key, value)
    config.currency = (config.currency or "CNY").upper()
    config.full_clean()
    errors = {}
    if config.provider != Provider.DEVELOPMENT:
        needed = {"access_key_id": _("the access key ID / account SID"),
                  "access_key_secret": _("the access key secret / auth token")}
        if config.provider == Provider.TENCENT:
            needed["app_id"] = _("the SMS app ID")
        if config.provider == Provider.TWILIO:
            needed["sender_number"] = _("the sender number")
        else:
            needed["signature"] = _("the signature")
        for key, label in needed.items():
            if not getattr(config, key):
                errors[key] = [_("%(provider)s needs %(what)s.") % {"provider": config.get_provider_display(),
                                                                    "what": label}]
    errors.update(_reminder_errors(config))
    if config.endpoint:
        try:
            providers.check_endpoint(config.endpoint)
        except egress.ForbiddenDestination as exc:
            errors["endpoint"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    config.save()
    return config


def _reminder_errors(config: SmsSettings) -> dict[str, list[str]]:
    template = config.reminder_template
    if template is not None:
        if not template.is_active:
            return {"reminder_template": [_("This template is archived; choose another.")]}
        try:
            text.check_variables(template.body, "reminder_template", allowed=text.REMINDER_VARIABLES)
        except ValidationError as exc:
            return exc.message_dict
    if config.remind_by_sms and config.provider in TEMPLATE_ONLY and (template is None or not template.provider_code):
        return {"reminder_template": [
            _("%(provider)s sends approved templates only: choose a reminder template that has the provider's "
              "template code.") % {"provider": config.get_provider_display()}]}
    return {}


def has_secret(config: SmsSettings) -> bool:
    return bool(config.access_key_secret)


# --- templates ---------------------------------------------------------------------------------


@transaction.atomic
def save_template(template: SmsTemplate | None, *, by, **fields) -> SmsTemplate:
    require(by, "sms", "create" if template is None else "edit")
    template = template or SmsTemplate(created_by=by)
    for key in ("name", "body", "provider_code"):
        if key in fields:
            setattr(template, key, (fields[key] or "").strip())
    text.check_variables(template.body)
    template.full_clean(exclude=["created_by"], validate_unique=False)
    if SmsTemplate.objects.filter(name=template.name, is_active=True).exclude(pk=template.pk).exists():
        raise ValidationError({"name": [_("A template named “%(name)s” exists already.") % {"name": template.name}]})
    template.save()
    return template


def archive_template(template: SmsTemplate, *, by) -> None:
    """Templates are archived, not deleted: messages in the log keep their template."""
    require(by, "sms", "delete")
    SmsTemplate.objects.filter(pk=template.pk).update(is_active=False)


def active_templates() -> QuerySet[SmsTemplate]:
    return SmsTemplate.objects.filter(is_active=True)


# --- opt-outs (the sending core's suppression list, channel "sms") ---------------------------


def clean_number(raw: str, field_name: str = "number") -> str:
    """The number as it is stored and matched: digits, with a + for numbers given with one."""
    return addresses.mobile(raw, field_name)


def opt_outs() -> QuerySet[Suppression]:
    return suppression.entries(Channel.SMS)


@transaction.atomic
def add_opt_out(number: str, *, by, reason=None, note: str = "") -> Suppression:
    """Anyone who may send records a number that asked for no more texts (idempotent)."""
    require(by, "sms", "create")
    return suppression.suppress(Channel.SMS, number, reason=Reason.OPT_OUT, by=by, note=note, detail=reason,
                                source="sms", check_permission=False)


def remove_opt_out(entry: Suppression, *, by) -> None:
    """Taking a number off the list (it asked to receive texts again) needs the edit right."""
    require(by, "sms", "edit")
    suppression.lift(entry, by=by, check_permission=False)


def opted_out(numbers: Iterable[str]) -> set[str]:
    return suppression.suppressed(Channel.SMS, numbers)


def refuse_opted_out(number: str, shown: str | None = None, field: str | None = None) -> None:
    """Refuse a text to a number on the suppression list (``shown``: the number as the user typed it)."""
    suppression.refuse(Channel.SMS, number, shown, field)


# --- text, parts and cost ----------------------------------------------------------------------


@dataclass
class Recipient:
    number: str
    name: str = ""
    customer: Customer | None = None
    contact: Contact | None = None
    values: dict = field(default_factory=dict)


@dataclass
class Preview:
    text: str
    encoding: str
    parts: list[str]
    per_part: int
    length: int
    recipients: int = 1
    total_parts: int = 0
    cost_minor: int = 0
    currency: str = "CNY"
    skipped_opt_out: int = 0
    skipped_no_number: int = 0
    skipped_duplicate: int = 0
    quota_left: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        from plugins.sms.models import money

        return {
            "text": self.text, "encoding": self.encoding, "parts": self.parts, "part_count": len(self.parts),
            "per_part": self.per_part, "length": self.length, "recipients": self.recipients,
            "total_parts": self.total_parts, "cost_minor": self.cost_minor,
            "cost": money(self.cost_minor), "currency": self.currency, "skipped_opt_out": self.skipped_opt_out,
            "skipped_no_number": self.skipped_no_number, "skipped_duplicate": self.skipped_duplicate,
            "quota_left": self.quota_left, "warnings": self.warnings,
        }


def _company_name() -> str:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "name", "") or ""


def values_for(by, customer: Customer | None, contact: Contact | None) -> dict[str, str]:
    owner = getattr(customer, "owner", None) if customer is not None else None
    return {
        "customer": customer.name if customer is not None else "",
        "contact": contact.name if contact is not None else "",
        "owner": str(owner) if owner is not None else "",
        "sender": str(by),
        "company": _company_name(),
    }


def body_of(body: str | None, template: SmsTemplate | None) -> str:
    """The text to send: the template's (providers that send templates need it unchanged) or typed."""
    value = (template.body if template is not None else body or "").strip()
    if not value:
        raise ValidationError({"body": [_("Write the text or choose a template.")]})
    if len(value) > 1000:
        raise ValidationError({"body": [_("The text is longer than 1000 characters.")]})
    text.check_variables(value, allowed=text.VARIABLES if template is None else text.TEMPLATE_VARIABLES)
    return value


def _check_provider(config: SmsSettings, template: SmsTemplate | None) -> None:
    if config.provider in TEMPLATE_ONLY and (template is None or not template.provider_code):
        raise ValidationError({"template": [
            _("%(provider)s sends approved templates only: choose a template that has the provider's template code.")
            % {"provider": config.get_provider_display()}]})


def final_text(body: str, values: Mapping[str, str], config: SmsSettings) -> str:
    return text.with_signature(text.render(body, values), config.signature)


def _month(at: datetime | None) -> date:
    return timezone.localdate(at or timezone.now()).replace(day=1)


def quota_used(month: date | None = None) -> int:
    row = SmsUsage.objects.filter(month=month or _month(None)).first()
    return row.parts if row else 0


def quota_left(config: SmsSettings | None = None, month: date | None = None) -> int:
    config = config or gateway_settings()
    return max(0, config.monthly_quota - quota_used(month))


def _reserve(parts: int, month: date, config: SmsSettings) -> None:
    """Take ``parts`` of the month's quota, or refuse with the figures. Closed against races: the
    check and the increment are one UPDATE ... WHERE parts + n <= quota."""
    if parts <= 0:
        return
    SmsUsage.objects.bulk_create([SmsUsage(month=month, parts=0)], ignore_conflicts=True)
    taken = SmsUsage.objects.filter(month=month, parts__lte=config.monthly_quota - parts).update(
        parts=F("parts") + parts)
    if not taken:
        used = quota_used(month)
        raise ValidationError(_(
            "The monthly SMS quota is used up: %(used)s of %(quota)s parts used in %(month)s, this send needs "
            "%(parts)s. Nothing was sent; the Boss can raise the quota in the SMS settings."
        ) % {"used": used, "quota": config.monthly_quota, "month": month.strftime("%Y-%m"), "parts": parts},
            code="quota")


def refund(message: SmsMessage) -> None:
    """A message the provider refused costs nothing: give its parts back to its month."""
    SmsUsage.objects.filter(month=_month(message.scheduled_at or message.created_at)).update(
        parts=F("parts") - message.parts)


def _check_schedule(scheduled_at: datetime | None) -> datetime | None:
    if scheduled_at is None:
        return None
    now = timezone.now()
    if scheduled_at <= now:
        raise ValidationError({"scheduled_at": [_("Choose a time in the future, or send now.")]})
    if scheduled_at > now + timedelta(days=MAX_SCHEDULE_DAYS):
        raise ValidationError({"scheduled_at": [_("A send can be set at most %(days)s days ahead.")
                                                % {"days": MAX_SCHEDULE_DAYS}]})
    return scheduled_at


def preview_text(body: str, values: Mapping[str, str], config: SmsSettings, recipients: int = 1) -> Preview:
    full = final_text(body, values, config)
    split = text.split(full)
    total = split.count * recipients
    return Preview(
        text=full, encoding=split.encoding, parts=split.parts, per_part=split.per_part, length=split.length,
        recipients=recipients, total_parts=total, cost_minor=text.cost(total, config.price_per_part_minor),
        currency=config.currency, quota_left=quota_left(config),
    )


# --- single and test sends ---------------------------------------------------------------------


def _draft_key(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()[:32]


def contact_for(user, contact_id) -> Contact | None:
    if not contact_id:
        return None
    from saas_core.org.scope import visible

    contact = visible(Contact.objects.select_related("customer__owner"), user).filter(pk=contact_id).first()
    if contact is None:
        raise ValidationError({"contact": [_("This contact does not exist or is not yours to see.")]})
    return contact


def _write(by, config: SmsSettings, recipients: list[Recipient], body: str, template: SmsTemplate | None, *,
           scheduled_at=None, is_test: bool = False, batch: SmsBatch | None = None,
           skipped: Iterable[Recipient] = ()) -> list[SmsMessage]:
    rows, parts = [], 0
    key = _draft_key(body)
    for r in recipients:
        full = final_text(body, r.values, config)
        split = text.split(full)
        parts += split.count
        rows.append(SmsMessage(
            batch=batch, sender=by, number=r.number, recipient=r.name[:200], customer=r.customer, contact=r.contact,
            template=template, params=r.values, body=full, parts=split.count, encoding=split.encoding,
            cost_minor=text.cost(split.count, config.price_per_part_minor), is_test=is_test,
            scheduled_at=scheduled_at, draft_key=key, provider=config.provider,
        ))
    for r in skipped:
        rows.append(SmsMessage(
            batch=batch, sender=by, number=r.number, recipient=r.name[:200], customer=r.customer, contact=r.contact,
            template=template, params=r.values, body=final_text(body, r.values, config), parts=0,
            status=SmsMessage.Status.SKIPPED, scheduled_at=scheduled_at, draft_key=key, provider=config.provider,
        ))
    _reserve(parts, _month(scheduled_at), config)
    created = SmsMessage.objects.bulk_create(rows, batch_size=1000)
    to_send = [m.pk for m in created if m.status == SmsMessage.Status.QUEUED]
    if scheduled_at is None:
        sending.enqueue(to_send)
    return created


@transaction.atomic
def send_single(*, by, number: str, body: str | None = None, template: SmsTemplate | None = None,
                contact_id=None, scheduled_at: datetime | None = None) -> SmsMessage:
    """One message to one number (the click-to-SMS link on a contact's mobile)."""
    require(by, "sms", "create")
    config = gateway_settings()
    body = body_of(body, template)
    _check_provider(config, template)
    scheduled_at = _check_schedule(scheduled_at)
    contact = contact_for(by, contact_id)
    key = clean_number(number)
    refuse_opted_out(key, number, field="number")
    customer = contact.customer if contact is not None else None
    recipient = Recipient(key, contact.name if contact else "", customer, contact, values_for(by, customer, contact))
    return _write(by, config, [recipient], body, template, scheduled_at=scheduled_at)[0]


@transaction.atomic
def send_test(*, by, body: str | None = None, template: SmsTemplate | None = None, sample: Recipient | None = None
              ) -> SmsMessage:
    """The draft to the sender's own mobile, filled with a sample recipient's values."""
    require(by, "sms", "create")
    if not by.mobile:
        raise ValidationError(_("Add your mobile number in your personal settings first; the test goes there."))
    config = gateway_settings()
    body = body_of(body, template)
    _check_provider(config, template)
    values = sample.values if sample is not None else values_for(by, None, None)
    recipient = Recipient(clean_number(by.mobile), str(by), values=values)
    return _write(by, config, [recipient], body, template, is_test=True)[0]


# --- reminders (ACT-02) --------------------------------------------------------------------------

def reminders_by_sms() -> bool:
    return gateway_settings().remind_by_sms


def send_reminder(*, user_id: int, number: str, title: str, remind_at: datetime) -> SmsMessage:
    """Text a reminder to the person reminded (the activities' reminder delivery calls this inside
    the transaction that marks the reminder texted, so it is texted once). The company pays from
    its quota as for any text; the person needs no SMS permission to be reminded. A refusal (the
    setting is off, the quota is used up, the number opted out) raises ``ValidationError``."""
    config = gateway_settings()
    if not config.remind_by_sms:
        raise ValidationError(_("Reminders by SMS are off in the SMS settings."))
    template = config.reminder_template
    if template is not None and not template.is_active:
        template = None
    _check_provider(config, template)
    # Without a template (free-text providers only) the default text, in the person's language (the caller's).
    body = template.body if template is not None else _("Reminder {time}: {title}")
    key = clean_number(number)
    refuse_opted_out(key, number)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=user_id)
    when = timezone.localtime(remind_at).strftime("%m-%d %H:%M")
    values = {"title": title[:200], "time": when, "company": _company_name()}
    return _write(user, config, [Recipient(key, str(user), values=values)], body, template)[0]


RESENDABLE = (SmsMessage.Status.FAILED, SmsMessage.Status.UNKNOWN)


@transaction.atomic
def resend(message: SmsMessage, *, by) -> SmsMessage:
    """Send a failed or interrupted text again, as a new row of the log (the old one stays as it
    was and points to it): the same number, text and template, under today's gateway settings,
    opt-outs and quota. Only once per text (a unique link), whoever asks."""
    require(by, "sms", "create")
    original = SmsMessage.objects.select_for_update().get(pk=message.pk)
    if original.status not in RESENDABLE:
        raise ValidationError(_("Only a failed or interrupted text can be sent again; this one is “%(status)s”.")
                              % {"status": original.get_status_display()})
    if SmsMessage.objects.filter(resent_from=original).exists():
        raise ValidationError(_("This text has been sent again already; see the newer row in the log."))
    config = gateway_settings()
    template = original.template if original.template is not None and original.template.is_active else None
    _check_provider(config, template)
    refuse_opted_out(original.number)
    split = text.split(original.body)
    _reserve(split.count, _month(None), config)
    again = SmsMessage.objects.create(
        sender=by, number=original.number, recipient=original.recipient, customer_id=original.customer_id,
        contact_id=original.contact_id, template=template, params=original.params, body=original.body,
        parts=split.count, encoding=split.encoding, cost_minor=text.cost(split.count, config.price_per_part_minor),
        is_test=original.is_test, draft_key=original.draft_key, provider=config.provider, resent_from=original,
    )
    sending.enqueue([again.pk])
    return again


def tested_recently(by, body: str) -> bool:
    since = timezone.now() - timedelta(hours=TEST_SEND_VALID_HOURS)
    return SmsMessage.objects.filter(sender=by, is_test=True, draft_key=_draft_key(body), created_at__gte=since
                                     ).exclude(status=SmsMessage.Status.FAILED).exists()


# --- group sends -------------------------------------------------------------------------------

# Saved filters are the sending core's (shared with EDM campaigns).
CUSTOMER_FILTERS = audiences.CUSTOMER_FILTERS
CONTACT_FILTERS = audiences.CONTACT_FILTERS
clean_filters = audiences.clean_filters
filters_json = audiences.filters_json


@dataclass
class Audience:
    recipients: list[Recipient]
    skipped_opt_out: list[Recipient]
    skipped_no_number: int
    skipped_duplicate: int


def resolve_audience(by, kind: str, filters: Mapping) -> Audience:
    """Who a group send reaches: the customers/contacts ``by`` may see that match the filter, each
    by a mobile number; customers by their primary contact (the first contact with a mobile)."""
    contacts, matched = audiences.contacts(by, kind, filters, "mobile")
    total = matched.count()
    rows = list(contacts.select_related("customer__owner")[:MAX_RECIPIENTS + 1])
    if len(rows) > MAX_RECIPIENTS:
        raise ValidationError(_("A group send reaches at most %(max)s recipients; narrow the filter.")
                              % {"max": MAX_RECIPIENTS})
    seen, recipients, duplicate = set(), [], 0
    for contact in rows:
        try:
            number = clean_number(contact.mobile)
        except ValidationError:
            continue
        if number in seen:
            duplicate += 1
            continue
        seen.add(number)
        recipients.append(Recipient(number, f"{contact.customer.name} · {contact.name}", contact.customer, contact,
                                    values_for(by, contact.customer, contact)))
    out = opted_out(seen)
    return Audience(
        recipients=[r for r in recipients if r.number not in out],
        skipped_opt_out=[r for r in recipients if r.number in out],
        skipped_no_number=max(0, total - len(recipients) - duplicate),
        skipped_duplicate=duplicate,
    )


def preview_group(*, by, kind: str, filters: Mapping | None, body: str | None = None,
                  template: SmsTemplate | None = None) -> Preview:
    """What a group send would do: the first recipient's text in parts, all parts and the cost."""
    require(by, "sms", "create")
    config = gateway_settings()
    body = body_of(body, template)
    audience = resolve_audience(by, kind, clean_filters(kind, filters))
    sample = audience.recipients[0].values if audience.recipients else values_for(by, None, None)
    preview = preview_text(body, sample, config, recipients=len(audience.recipients))
    preview.total_parts = sum(text.split(final_text(body, r.values, config)).count for r in audience.recipients)
    preview.cost_minor = text.cost(preview.total_parts, config.price_per_part_minor)
    preview.skipped_opt_out = len(audience.skipped_opt_out)
    preview.skipped_no_number = audience.skipped_no_number
    preview.skipped_duplicate = audience.skipped_duplicate
    if preview.total_parts > preview.quota_left:
        preview.warnings.append(_("This send needs %(parts)s parts but only %(left)s are left this month.")
                                % {"parts": preview.total_parts, "left": preview.quota_left})
    if not tested_recently(by, body):
        preview.warnings.append(_("Send a test to your own phone before the group send."))
    return preview


@transaction.atomic
def send_group(*, by, kind: str, filters: Mapping | None, body: str | None = None,
               template: SmsTemplate | None = None, scheduled_at: datetime | None = None,
               audience_name: str = "") -> SmsBatch:
    """A group send, now or at a set time, after a test of the same text to the sender's phone."""
    require(by, "sms", "create")
    config = gateway_settings()
    body = body_of(body, template)
    _check_provider(config, template)
    scheduled_at = _check_schedule(scheduled_at)
    if not tested_recently(by, body):
        raise ValidationError(_("Send this text to your own phone as a test first (the “Send a test” button)."),
                              code="test_first")
    clean = clean_filters(kind, filters)
    audience = resolve_audience(by, kind, clean)
    if not audience.recipients:
        raise ValidationError(_("Nobody to send to: no recipient of this filter has a mobile number that may "
                                "receive texts."))
    batch = SmsBatch.objects.create(
        created_by=by, template=template, body=body, scheduled_at=scheduled_at,
        audience=(audience_name or describe_filters(kind, clean))[:200], recipients=len(audience.recipients),
        skipped_opt_out=len(audience.skipped_opt_out), skipped_no_number=audience.skipped_no_number,
    )
    messages = _write(by, config, audience.recipients, body, template, scheduled_at=scheduled_at, batch=batch,
                      skipped=audience.skipped_opt_out)
    sent = [m for m in messages if m.status != SmsMessage.Status.SKIPPED]
    SmsBatch.objects.filter(pk=batch.pk).update(parts=sum(m.parts for m in sent),
                                                cost_minor=sum(m.cost_minor for m in sent))
    batch.refresh_from_db()
    return batch


def describe_filters(kind: str, filters: Mapping) -> str:
    label = str(SmsAudience.Kind(kind).label)
    if not filters:
        return _("%(kind)s: all") % {"kind": label}
    return f"{label}: " + ", ".join(f"{k}={v}" for k, v in filters_json(filters).items())


@transaction.atomic
def save_audience(*, by, name: str, kind: str, filters: Mapping | None = None) -> SmsAudience:
    require(by, "sms", "create")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the saved filter a name.")]})
    if kind not in SmsAudience.Kind.values:
        raise ValidationError({"kind": [_("Choose customers or contacts.")]})
    clean = filters_json(clean_filters(kind, filters))
    audience, _created = SmsAudience.objects.update_or_create(created_by=by, name=name[:100],
                                                             defaults={"kind": kind, "filters": clean})
    return audience


def audiences_for(by) -> QuerySet[SmsAudience]:
    return SmsAudience.objects.filter(created_by=by)


def delete_audience(audience: SmsAudience, *, by) -> None:
    """A saved filter is a personal shortcut, not a business record: removing it removes it."""
    if audience.created_by_id != by.pk:
        raise ValidationError(_("This saved filter is not yours."))
    audience.delete()


# --- the log -----------------------------------------------------------------------------------


def log_filter(queryset: QuerySet[SmsMessage], *, q: str = "", status: str = "", batch=None) -> QuerySet[SmsMessage]:
    if q := (q or "").strip():
        queryset = queryset.filter(Q(number__contains=q) | Q(recipient__icontains=q) | Q(body__icontains=q))
    if status:
        queryset = queryset.filter(status=status)
    if batch:
        queryset = queryset.filter(batch_id=batch)
    return queryset


def may_read(user) -> bool:
    return access.may_read_log(user)
