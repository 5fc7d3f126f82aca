"""The sending core's data, in every tenant schema.

- ``Suppression``: one address (an e-mail address or a mobile number, normalised) that no
  marketing or one-to-one send may reach, with why and since when. Unique per channel and
  address, so suppressing twice is harmless and two racing unsubscribes make one row.
- ``InboundCallback``: a provider's callback (delivery report, bounce, complaint) as received:
  stored when its signature checks, answered at once, processed after by a task.
- ``SendRecord``: the abstract shape of a channel's send log row (status, attempts, provider's
  answer): the claim/finish protocol of ``records`` works on any model built on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", pgettext_lazy("channel", "SMS")


class Reason(models.TextChoices):
    OPT_OUT = "opt_out", _("Opted out")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribed")
    HARD_BOUNCE = "hard_bounce", _("Hard bounce")
    COMPLAINT = "complaint", _("Complaint")
    MANUAL = "manual", _("Added by hand")
    IMPORTED = "imported", _("Imported")


class Suppression(models.Model):
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254,
                               help_text=_("The e-mail address or mobile number, as it is matched."))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, default=Reason.MANUAL)
    # A company's own wording of the reason (the SMS module's "opt-out reason" pick-list).
    detail = models.ForeignKey("dictionaries.DictionaryItem", verbose_name=_("reason given"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="sending_suppression_detail")
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True,
                              help_text=_("What added it: a campaign, a provider's report, an import..."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("added"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppression list")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["channel", "address"], name="sending_suppression_unique")]

    def __str__(self) -> str:
        return self.address


class InboundCallback(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DONE = "done", _("Processed")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    body = models.TextField(_("body"))
    headers = models.JSONField(_("headers"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound callback")
        verbose_name_plural = _("inbound callbacks")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class SendStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Waiting to retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Interrupted (not resent)")
    SKIPPED = "skipped", _("Skipped (opted out)")


class SendRecord(models.Model):
    """One message to one recipient, as the claim/finish protocol (``records.deliver``) needs it."""

    Status = SendStatus

    status = models.CharField(_("status"), max_length=10, choices=SendStatus.choices, default=SendStatus.QUEUED,
                              db_index=True)
    provider_message_id = models.CharField(_("provider's message ID"), max_length=100, blank=True)
    error_code = models.CharField(_("error code"), max_length=100, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        abstract = True
