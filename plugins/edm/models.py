"""EDM module data, in every tenant schema (enabling the module is data, not schema).

- ``SendingDomain``: a domain the company sends from, its DKIM key (RSA-2048, private half
  encrypted at rest) and selector, and what the last DNS check found. Campaigns are held until
  one is verified: nothing is ever sent as the company from the platform's own domain.
- ``EdmSettings``: the transport (the company's SMTP server; password encrypted at rest), the
  sender's name and address, and the sending rates (one row).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from saas_core.encryption import EncryptedTextField


class SendingDomain(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for DNS")
        VERIFIED = "verified", _("Verified")
        FAILED = "failed", _("Records not found")

    domain = models.CharField(_("domain"), max_length=253, unique=True,
                              help_text=_("The domain after the @ of your sender address, e.g. mail.example.com."))
    selector = models.CharField(_("DKIM selector"), max_length=63, unique=True)
    dkim_private_key = EncryptedTextField(_("DKIM private key"))  # encrypted at rest; never shown
    dkim_public_key = models.TextField(_("DKIM public key"))  # base64 DER, as published in DNS
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    spf_ok = models.BooleanField(_("SPF found"), default=False)
    dkim_ok = models.BooleanField(_("DKIM found"), default=False)
    dmarc_ok = models.BooleanField(_("DMARC found"), default=False)
    check_problems = models.JSONField(_("problems found"), default=list, blank=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("sending domain")
        verbose_name_plural = _("sending domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class Security(models.TextChoices):
    STARTTLS = "starttls", _("STARTTLS (port 587)")
    SSL = "ssl", _("SSL/TLS (port 465)")
    NONE = "none", _("None (only inside a trusted network)")


class EdmSettings(models.Model):
    """The company's transport and sender; one row (pk=1)."""

    smtp_host = models.CharField(_("SMTP server"), max_length=253, blank=True)
    smtp_port = models.PositiveIntegerField(_("port"), default=587,
                                            validators=[MinValueValidator(1), MaxValueValidator(65535)])
    smtp_security = models.CharField(_("encryption"), max_length=10, choices=Security.choices,
                                     default=Security.STARTTLS)
    smtp_username = models.CharField(_("user name"), max_length=200, blank=True)
    smtp_password = EncryptedTextField(_("password"), blank=True, validators=[MaxLengthValidator(200)])
    pool_size = models.PositiveSmallIntegerField(
        _("connections"), default=5, validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many connections to the server one worker keeps open (1–20)."))
    from_name = models.CharField(_("sender name"), max_length=100, blank=True)
    from_address = models.EmailField(_("sender address"), blank=True,
                                     help_text=_("Must be at a verified sending domain."))
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    per_second = models.PositiveIntegerField(_("messages per second"), default=10,
                                             validators=[MinValueValidator(1)])
    per_hour = models.PositiveIntegerField(_("messages per hour"), null=True, blank=True,
                                           help_text=_("Empty: no hourly limit."))
    per_day = models.PositiveIntegerField(_("messages per day"), null=True, blank=True,
                                          help_text=_("Empty: no daily limit."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail settings")
        verbose_name_plural = _("e-mail settings")

    def __str__(self) -> str:
        return self.smtp_host or "-"
