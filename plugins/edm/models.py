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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.encryption import EncryptedTextField
from saas_core.sending.models import SendRecord


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
    # Signed bounce and complaint reports (``bounces``): the secret our webhook checks.
    webhook_secret = EncryptedTextField(_("webhook secret"), blank=True)
    sendgrid_verification_key = models.TextField(
        _("SendGrid verification key"), blank=True,
        help_text=_("From SendGrid's Event Webhook settings (signed webhook): the public key, base64."))
    # The bounce mailbox: read by the periodic task; only our own messages' reports are touched.
    bounce_address = models.EmailField(
        _("bounce address"), blank=True,
        help_text=_("Envelope sender of campaigns, with the recipient added (bounces+…@): bounces come back here."))
    bounce_protocol = models.CharField(_("bounce mailbox"), max_length=4, blank=True,
                                       choices=[("", _("None")), ("pop3", "POP3"), ("imap", "IMAP")])
    bounce_host = models.CharField(_("mailbox server"), max_length=253, blank=True)
    bounce_port = models.PositiveIntegerField(_("mailbox port"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(65535)])
    bounce_security = models.CharField(_("mailbox encryption"), max_length=10, choices=Security.choices,
                                       default=Security.SSL)
    bounce_username = models.CharField(_("mailbox user name"), max_length=200, blank=True)
    bounce_password = EncryptedTextField(_("mailbox password"), blank=True, validators=[MaxLengthValidator(200)])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail settings")
        verbose_name_plural = _("e-mail settings")

    def __str__(self) -> str:
        return self.smtp_host or "-"


class EmailTemplate(models.Model):
    """A message to reuse: subject and HTML with variables; the plain-text part is generated."""

    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200)
    html = models.TextField(_("HTML"), max_length=500_000,
                            help_text=_("Variables: {customer}, {contact}, {owner}, {company}. CSS of the page's head is "
                                        "inlined when sent."))
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["name"], condition=models.Q(is_active=True),
                                               name="edm_template_unique_name")]

    def __str__(self) -> str:
        return self.name


class Audience(models.Model):
    """Who a campaign goes to: a saved filter over customers or contacts
    (``saas_core.sending.audiences``, resolved in the sender's data scope when a campaign starts),
    a static group (the contacts a filter found when it was saved) or an imported list of
    addresses; the last two keep their members in ``AudienceMember``."""

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers (their primary contact)")
        CONTACTS = "contacts", _("Contacts")
        GROUP = "group", _("Static group (the contacts found now)")
        LIST = "list", _("Imported list of addresses")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("recipients"), max_length=10, choices=Kind.choices, default=Kind.CONTACTS)
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["created_by", "name"], name="edm_audience_unique_name")]

    def __str__(self) -> str:
        return self.name


class AudienceMember(models.Model):
    """One address of a static group or an imported list."""

    audience = models.ForeignKey(Audience, on_delete=models.CASCADE, related_name="members")
    email = models.CharField(_("e-mail"), max_length=254)
    name = models.CharField(_("name"), max_length=100, blank=True)
    contact = models.ForeignKey("customers.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        verbose_name = _("audience member")
        verbose_name_plural = _("audience members")
        constraints = [models.UniqueConstraint(fields=["audience", "email"], name="edm_member_once")]

    def __str__(self) -> str:
        return self.email


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", pgettext_lazy("campaign", "Sending")
        TESTING = "testing", _("Testing variants")
        PAUSED = "paused", _("Paused")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Sent")

    name = models.CharField(_("name"), max_length=200)
    template = models.ForeignKey(EmailTemplate, verbose_name=_("template"), on_delete=models.PROTECT,
                                 related_name="+")
    audience = models.ForeignKey(Audience, verbose_name=_("audience"), on_delete=models.PROTECT, related_name="+")
    # What is sent, fixed when the campaign starts (a later edit of the template changes nothing).
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    pause_reason = models.CharField(_("paused because"), max_length=300, blank=True)
    # Pause when the error, hard-bounce or complaint rate crosses its limit (``limits``); resuming
    # a campaign paused that way turns it off for the campaign (the sender decided to go on).
    auto_pause = models.BooleanField(_("pause automatically on high bounce or complaint rates"), default=True)
    auto_paused = models.BooleanField(default=False)
    # A/B test (``abtest``): the share of the audience that gets the variants first; the winner by
    # ``ab_metric`` after ``ab_wait_hours`` goes to the rest. 0: no test.
    ab_share = models.PositiveSmallIntegerField(_("test share (%)"), default=0,
                                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    ab_metric = models.CharField(_("winner by"), max_length=6, default="opens",
                                 choices=[("opens", _("unique opens")), ("clicks", _("unique clicks"))])
    ab_wait_hours = models.PositiveSmallIntegerField(_("wait (hours)"), default=4,
                                                     validators=[MinValueValidator(1), MaxValueValidator(168)])
    ab_winner = models.ForeignKey("edm.CampaignVariant", verbose_name=_("winner"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    ab_decided_at = models.DateTimeField(_("winner chosen"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Counters, raised with F() as each message is handed over (the statistics page reads these).
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    skipped_suppressed = models.PositiveIntegerField(_("skipped (suppression list)"), default=0)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    interrupted = models.PositiveIntegerField(_("interrupted (not resent)"), default=0)
    unsubscribes = models.PositiveIntegerField(_("unsubscribes"), default=0)
    # Tracking: off, the messages carry neither the pixel nor rewritten links. ``links``: the
    # message's links fixed at the start; a click token names a link by its place in this list.
    track = models.BooleanField(_("track opens and clicks"), default=True)
    links = models.JSONField(default=list, blank=True)
    # Raised with F() as the events arrive; machine opens and scanner clicks are kept apart.
    opens_unique = models.PositiveIntegerField(_("unique opens"), default=0)
    opens_total = models.PositiveIntegerField(_("opens"), default=0)
    opens_machine = models.PositiveIntegerField(_("likely machine opens"), default=0)
    clicks_unique = models.PositiveIntegerField(_("unique clicks"), default=0)
    clicks_total = models.PositiveIntegerField(_("clicks"), default=0)
    clicks_scanner = models.PositiveIntegerField(_("likely scanner clicks"), default=0)
    bounces_hard = models.PositiveIntegerField(_("hard bounces"), default=0)
    bounces_soft = models.PositiveIntegerField(_("soft bounces"), default=0)
    complaints = models.PositiveIntegerField(_("complaints"), default=0)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class CampaignVariant(models.Model):
    """One version (A–D) of an A/B-tested campaign: its subject and content, fixed at the start."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="variants")
    label = models.CharField(_("variant"), max_length=1)
    subject = models.CharField(_("subject"), max_length=200)
    template = models.ForeignKey(EmailTemplate, verbose_name=_("content"), on_delete=models.PROTECT,
                                 related_name="+")
    html = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    opens_unique = models.PositiveIntegerField(_("unique opens"), default=0)
    clicks_unique = models.PositiveIntegerField(_("unique clicks"), default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["campaign", "label"]
        constraints = [models.UniqueConstraint(fields=["campaign", "label"], name="edm_variant_label")]

    def __str__(self) -> str:
        return self.label


class CampaignRecipient(SendRecord):
    """One campaign message to one address: a send record of the sending core. Written for all
    recipients at once when the campaign starts (one INSERT … SELECT); unique per campaign and
    address, so nobody is in a campaign twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    email = models.CharField(_("e-mail"), max_length=254)
    contact = models.ForeignKey("customers.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    # When a worker took it (a batch, then the message itself): a run that dies leaves the time,
    # and after a lease another run may take the rows it never started.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # A/B: the variant this recipient gets; ``held`` until the winner is chosen (then the winner's).
    variant = models.ForeignKey(CampaignVariant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    held = models.BooleanField(default=False)
    # What the recipient did (people only: machine opens and scanner clicks are not counted here).
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    opens = models.PositiveIntegerField(_("opens"), default=0)
    clicked_at = models.DateTimeField(_("first clicked"), null=True, blank=True)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    bounce = models.CharField(_("bounce"), max_length=4, blank=True,
                              choices=[("hard", _("Hard bounce")), ("soft", _("Soft bounce"))])
    complained_at = models.DateTimeField(_("complained"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        constraints = [models.UniqueConstraint(fields=["campaign", "email"], name="edm_recipient_once")]
        indexes = [models.Index(fields=["campaign", "status", "id"], name="edm_recipient_queue"),
                   models.Index(fields=["campaign", "id"], name="edm_recipient_page")]

    def __str__(self) -> str:
        return self.email


class CampaignEvent(models.Model):
    """Something a recipient's message did after it was sent: the per-recipient history."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Opened")
        CLICK = "click", _("Clicked")
        BOUNCE_HARD = "bounce_hard", _("Hard bounce")
        BOUNCE_SOFT = "bounce_soft", _("Soft bounce")
        COMPLAINT = "complaint", _("Complaint")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(CampaignRecipient, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    # A likely machine open (privacy proxy, prefetch) or scanner click: shown, counted apart.
    machine = models.BooleanField(_("likely automatic"), default=False)
    url = models.CharField(_("link"), max_length=2000, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["recipient", "at"], name="edm_event_recipient")]

    def __str__(self) -> str:
        return self.kind
