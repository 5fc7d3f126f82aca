"""Call-center data, in every tenant schema (enabling the module is data, not schema).

- ``Telephony``: the company's one telephony connection (pk=1): an Asterisk PBX over AMI or a
  cloud call center posting signed webhooks (Tinet-style or generic JSON with a field mapping).
- ``Extension``: which user answers at an extension / agent id.
- ``RawEvent``: every telephony event as received, unique on (vendor, call id, event, sequence):
  a duplicate is dropped at the constraint, processing happens after commit (Celery).
- ``Call``: the call log (a business record: data scope by agent).
- ``CallRing``: one agent's card for one call (a queue rings several): ringing → answered,
  taken by another, or missed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.encryption import EncryptedTextField
from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    NONE = "none", _("Not connected")
    AMI = "ami", _("Asterisk PBX (AMI)")
    TINET = "tinet", _("Tinet-style cloud call center (signed webhooks)")
    GENERIC = "generic", _("Other cloud call center (JSON webhooks)")


# Our names for the fields of a generic vendor's JSON event; the Boss maps their keys to these.
GENERIC_FIELDS = ("call_id", "event", "sequence", "timestamp", "caller", "callee", "agent", "direction",
                  "queue", "result", "recording_url")
DEFAULT_GENERIC_MAPPING = {name: name for name in GENERIC_FIELDS}


class Telephony(models.Model):
    """The company's telephony settings; one row (pk=1). Secrets are encrypted at rest."""

    kind = models.CharField(_("telephony"), max_length=10, choices=Kind.choices, default=Kind.NONE)
    ami_host = models.CharField(_("AMI host"), max_length=200, blank=True)
    ami_port = models.PositiveIntegerField(_("AMI port"), default=5038,
                                           validators=[MinValueValidator(1), MaxValueValidator(65535)])
    ami_username = models.CharField(_("AMI user"), max_length=100, blank=True)
    ami_secret = EncryptedTextField(_("AMI secret"), blank=True, validators=[MaxLengthValidator(200)])
    ami_context = models.CharField(_("dial context"), max_length=80, default="from-internal",
                                   help_text=_("The dial plan context click-to-dial calls start in."))
    webhook_secret = EncryptedTextField(
        _("webhook signing secret"), blank=True, validators=[MaxLengthValidator(200)],
        help_text=_("The key the call center signs its events with (HMAC-SHA256)."),
    )
    generic_mapping = models.JSONField(_("field mapping"), default=dict, blank=True)
    callback_url = models.URLField(
        _("click-to-dial API URL"), blank=True,
        help_text=_("The cloud call center's callback API; it rings the agent, then the customer."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("telephony settings")
        verbose_name_plural = _("telephony settings")

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def mapping(self) -> dict:
        return DEFAULT_GENERIC_MAPPING | {k: v for k, v in (self.generic_mapping or {}).items() if k in GENERIC_FIELDS}


class Extension(models.Model):
    """An extension (AMI) or agent id (cloud) and the user who answers there."""

    code = models.CharField(_("extension / agent id"), max_length=40, unique=True)
    user = models.OneToOneField(USER, verbose_name=_("user"), on_delete=models.CASCADE, related_name="call_extension")

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Direction(models.TextChoices):
    INBOUND = "in", _("Incoming")
    OUTBOUND = "out", _("Outgoing")


class Result(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    MISSED = "missed", _("Missed")
    BUSY = "busy", pgettext_lazy("call result", "Busy")
    FAILED = "failed", _("Failed")


class EventKind(models.TextChoices):
    RINGING = "ringing", _("Ringing")
    ANSWERED = "answered", _("Answered")
    ENDED = "ended", _("Ended")


class RawEvent(models.Model):
    """A telephony event as it arrived (the raw payload kept), processed after commit."""

    vendor = models.CharField(max_length=20)
    call_id = models.CharField(max_length=100)
    event = models.CharField(max_length=20, choices=EventKind.choices)
    sequence = models.BigIntegerField(default=0)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vendor", "call_id", "event", "sequence"],
                                               name="call_event_once")]
        indexes = [models.Index(fields=["received_at"], name="call_event_unprocessed",
                                condition=Q(processed_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.vendor} {self.call_id} {self.event} #{self.sequence}"


@business_record(module="call_center", owner_field="agent", label_field="number")
class Call(BusinessRecord):
    """One call in the call log. ``number`` is the outside party as given; ``digits`` normalised."""

    vendor = models.CharField(_("source"), max_length=20)
    call_id = models.CharField(_("call id"), max_length=100)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, default=Direction.INBOUND)
    caller = models.CharField(_("caller"), max_length=50, blank=True)
    callee = models.CharField(_("callee"), max_length=50, blank=True)
    number = models.CharField(_("number"), max_length=50, blank=True)
    digits = models.CharField(max_length=30, blank=True, db_index=True)
    queue = models.CharField(_("queue"), max_length=80, blank=True)
    agent = models.ForeignKey(USER, verbose_name=_("agent"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="calls")
    contact = models.ForeignKey("customers.Contact", verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="calls")
    started_at = models.DateTimeField(_("start"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("end"), null=True, blank=True)
    duration = models.PositiveIntegerField(_("duration (s)"), default=0)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    # The vendor's recording copied into the company's own storage (vendors delete theirs after
    # days); served only through the permission-checked recording view.
    recording = models.FileField(_("recording file"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["vendor", "call_id"], name="call_once")]
        indexes = [
            models.Index(fields=["agent", "-started_at"], name="call_agent_time"),
            models.Index(fields=["-started_at"], name="call_time"),
            models.Index(fields=["customer", "-started_at"], name="call_customer"),
        ]

    def __str__(self) -> str:
        return self.number or self.call_id

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class RingState(models.TextChoices):
    RINGING = "ringing", _("Ringing")
    ANSWERED = "answered", _("Answered")
    TAKEN = "taken", _("Taken by a colleague")
    MISSED = "missed", _("Missed")


class CallRing(models.Model):
    """One agent's card for one call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rings")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=RingState.choices, default=RingState.RINGING)
    rang_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="call_ring_once")]
        indexes = [models.Index(fields=["user", "state"], name="call_ring_user_state")]

    def __str__(self) -> str:
        return f"{self.call_id} → {self.user_id}: {self.state}"
