"""SMS module data, in every tenant schema (enabling the module is data, not schema).

- ``SmsSettings``: the company's provider, credentials, signature, price and monthly quota (one row).
- ``SmsTemplate``: texts with variables ({customer}, {contact}, {owner}, {sender}, {company});
  removing one archives it (the log refers to it).
- ``SmsBatch``: one group send (recipients chosen by a saved filter), now or at a set time.
- ``SmsMessage``: the send log, one row per recipient. Nobody deletes it: a database trigger
  refuses DELETE, so not even a bug or a raw query can remove a row.
- Numbers that asked for no more messages are on the company's suppression list
  (``saas_core.sending``, channel "sms"), which every sender shares; sends skip and count them.
- ``SmsUsage``: parts reserved per calendar month, against the quota (one row a month, raised
  with a conditional ``F()`` update so two sends cannot both take the last parts).
- ``SmsAudience``: a saved filter (customers or contacts, a ``customers.queries`` filter dict)
  that group sends go to.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from saas_core.encryption import EncryptedTextField
from saas_core.sending.models import SendRecord


class Provider(models.TextChoices):
    DEVELOPMENT = "development", _("Development (only logs)")
    ALIYUN = "aliyun", _("Aliyun SMS")
    TENCENT = "tencent", _("Tencent Cloud SMS")
    TWILIO = "twilio", _("Twilio")


class SmsSettings(models.Model):
    """The company's gateway settings; one row (pk=1), locked while a send checks the quota."""

    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices, default=Provider.DEVELOPMENT)
    access_key_id = models.CharField(
        _("access key ID / account SID"), max_length=100, blank=True,
        help_text=_("Aliyun AccessKey ID, Tencent Cloud SecretId or Twilio Account SID."),
    )
    access_key_secret = EncryptedTextField(  # encrypted at rest; never shown back
        _("access key secret / auth token"), blank=True, validators=[MaxLengthValidator(200)],
        help_text=_("Aliyun AccessKey secret, Tencent Cloud SecretKey or Twilio Auth Token."),
    )
    app_id = models.CharField(_("SMS app ID"), max_length=50, blank=True, help_text=_("Tencent Cloud SmsSdkAppId."))
    region = models.CharField(_("region"), max_length=50, blank=True, help_text=_("e.g. cn-hangzhou, ap-guangzhou"))
    sender_number = models.CharField(_("sender number"), max_length=30, blank=True,
                                     help_text=_("Twilio: the From number, e.g. +15005550006."))
    endpoint = models.CharField(
        _("endpoint"), max_length=200, blank=True,
        help_text=_("Leave empty for the provider's public endpoint; set it for a private gateway or proxy."),
    )
    signature = models.CharField(_("signature"), max_length=30, blank=True,
                                 help_text=_("Shown as 【signature】 in every message, e.g. your company's short name."))
    price_per_part_minor = models.PositiveIntegerField(
        _("price per part (minor units)"), default=5, help_text=_("What one SMS part costs, in fen or cents."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    monthly_quota = models.PositiveIntegerField(
        _("monthly quota (parts)"), default=1000, help_text=_("SMS parts the company may send per calendar month."),
    )
    remind_by_sms = models.BooleanField(
        _("send reminders by SMS"), default=False,
        help_text=_("Task and care reminders also go to the mobile number of the person reminded; each text counts "
                    "against the monthly quota."),
    )
    reminder_template = models.ForeignKey(
        "SmsTemplate", verbose_name=_("reminder template"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The text of reminders, with {title}, {time} and {company}. Aliyun and Tencent Cloud need an "
                    "approved template; other providers send “Reminder {time}: {title}” when none is chosen."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("SMS settings")
        verbose_name_plural = _("SMS settings")

    def __str__(self) -> str:
        return str(self.get_provider_display())


def money(minor: int, currency: str = "") -> str:
    """Minor units as money text: 1234 → "12.34" (integer arithmetic, no floats)."""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(int(minor)), 100)
    return f"{sign}{whole}.{cents:02d}" + (f" {currency}" if currency else "")


class SmsTemplate(models.Model):
    """A text to reuse. Removing one archives it (``is_active``): the log keeps pointing at it."""

    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(_("text"), max_length=1000,
                            help_text=_("Variables: {customer}, {contact}, {owner}, {sender}, {company}; in the "
                                        "reminder template: {title}, {time}, {company}."))
    provider_code = models.CharField(
        _("provider template code"), max_length=50, blank=True,
        help_text=_("Aliyun and Tencent Cloud send only approved templates: the code they gave this text."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["name"], condition=models.Q(is_active=True),
                                               name="sms_template_unique_name")]

    def __str__(self) -> str:
        return self.name


class SmsBatch(models.Model):
    """One group send: what was sent to whom (by a saved filter), when, and how it went."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.PROTECT,
                                   related_name="+")
    template = models.ForeignKey(SmsTemplate, verbose_name=_("template"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("text"))
    audience = models.CharField(_("recipients"), max_length=200)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    skipped_opt_out = models.PositiveIntegerField(_("skipped (opted out)"), default=0)
    skipped_no_number = models.PositiveIntegerField(_("skipped (no mobile number)"), default=0)
    parts = models.PositiveIntegerField(_("parts"), default=0)
    cost_minor = models.PositiveIntegerField(_("cost (minor units)"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("group send")
        verbose_name_plural = _("group sends")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.audience} · {self.recipients}"


class SmsMessage(SendRecord):
    """One text to one number: a send record of the sending core (status, attempts, the provider's answer)."""

    batch = models.ForeignKey(SmsBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.PROTECT,
                               related_name="+")
    number = models.CharField(_("mobile number"), max_length=30, db_index=True)
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    contact = models.ForeignKey("customers.Contact", verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    template = models.ForeignKey(SmsTemplate, verbose_name=_("template"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    params = models.JSONField(_("template values"), default=dict, blank=True)
    body = models.TextField(_("text"))
    parts = models.PositiveSmallIntegerField(_("parts"), default=1)
    encoding = models.CharField(_("encoding"), max_length=5, default="gsm7")
    cost_minor = models.PositiveIntegerField(_("cost (minor units)"), default=0)
    is_test = models.BooleanField(_("test send"), default=False)
    draft_key = models.CharField(max_length=32, blank=True, editable=False,
                                 help_text="Hash of the text before variables: a group send needs a test of it.")
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices, blank=True)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True, db_index=True)
    # A failed or interrupted text sent again is a new row pointing here; unique, so two clicks
    # (or two people) cannot send it again twice.
    resent_from = models.OneToOneField("self", verbose_name=_("sent again from"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="resent_as")
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-id"]
        triggers = [pgtrigger.Protect(name="sms_log_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.number}: {self.body[:30]}"

    @property
    def cost_display(self) -> str:
        return money(self.cost_minor)


class SmsUsage(models.Model):
    """Parts used (reserved when a message is queued, given back when it fails) in one month."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    parts = models.IntegerField(_("parts used"), default=0)

    class Meta:
        verbose_name = _("SMS usage")
        verbose_name_plural = _("SMS usage")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.parts}"


class SmsAudience(models.Model):
    """A saved filter for group sends: customers (their primary contact's mobile) or contacts."""

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers (their primary contact)")
        CONTACTS = "contacts", _("Contacts")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("recipients"), max_length=10, choices=Kind.choices, default=Kind.CUSTOMERS)
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["created_by", "name"], name="sms_audience_unique_name")]

    def __str__(self) -> str:
        return self.name
