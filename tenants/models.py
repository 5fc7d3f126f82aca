from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tenants.models import DomainMixin, TenantMixin

from saas_core.i18n import TIME_ZONE_CHOICES

CURRENCIES = [
    ("CNY", _("Chinese yuan (CNY)")), ("HKD", _("Hong Kong dollar (HKD)")), ("TWD", _("New Taiwan dollar (TWD)")),
    ("USD", _("US dollar (USD)")), ("EUR", _("Euro (EUR)")), ("JPY", _("Japanese yen (JPY)")),
    ("SGD", _("Singapore dollar (SGD)")), ("GBP", _("Pound sterling (GBP)")),
]


class Tenant(TenantMixin):
    """A company workspace; its data lives in the PostgreSQL schema ``schema_name``."""

    class Status(models.TextChoices):
        # Signup has committed the row but is still cloning the schema in steps
        # (tenants.provisioning): the host answers "being prepared" and nothing walks it.
        PROVISIONING = "provisioning", _("Being prepared")
        TRIALING = "trialing", _("Trial")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment overdue")
        READ_ONLY = "read_only", _("Read-only")
        CANCELLED = "cancelled", _("Cancelled")
        DELETED = "deleted", _("Deleted")

    name = models.CharField(_("company name"), max_length=100)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TRIALING)
    trial_ends_at = models.DateTimeField(_("trial ends"), null=True, blank=True)
    # When ``status`` last changed (tenants.lifecycle): the grace, read-only and retention
    # periods count from here.
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended by the vendor"), null=True, blank=True)
    suspended_reason = models.CharField(_("reason for the suspension"), max_length=300, blank=True)
    # The latest signed-in request, written at most once per few minutes (tenants.activity).
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True, max_length=200)
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Shanghai")
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    recycle_bin_days = models.PositiveSmallIntegerField(
        _("days in the recycle bin"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Deleted records are purged for good after this many days."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Provisioning clones the template schema inside the signup transaction (tenants.provisioning),
    # so django-tenants must not create the schema on save.
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self) -> str:
        return self.name

    def pre_drop(self) -> None:
        """django-tenants drops the schema with one DROP SCHEMA … CASCADE, which would lock every
        object in it at once; drop the tables in steps first (tenants.schema_clone)."""
        from tenants.schema_clone import empty_schema

        empty_schema(self.schema_name)


# Companies without a complete workspace schema: one being prepared (or whose preparation died)
# and one whose data was deleted. Whatever walks tenant schemas (migrations, fan-out, module
# sync, the console's rollout) skips them.
WITHOUT_WORKSPACE = (Tenant.Status.PROVISIONING, Tenant.Status.DELETED)


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class TenantAuditEntry(models.Model):
    """What the vendor did to one company (suspend, resume, ...), by whom and why."""

    class Action(models.TextChoices):
        SUSPENDED = "suspended", _("Suspended")
        RESUMED = "resumed", _("Resumed")

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="audit_entries")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    by = models.CharField(_("by"), max_length=254, blank=True)  # the vendor staff member's e-mail
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


def _days(label, help_text, most: int = 365) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, help_text=help_text,
                                            validators=[MinValueValidator(1), MaxValueValidator(most)])


class VendorSettings(models.Model):
    """The vendor's service settings: one row (pk 1) in ``public``; the environment gives the
    values the row starts with (tenants.vendor_settings)."""

    trial_days = _days(_("trial length (days)"), _("How long a new company may try the service before it has to pay."))
    grace_days = _days(_("grace period (days)"), _(
        "Days a company may stay past due (or after an unpaid trial) before it turns read-only."))
    read_only_days = _days(_("read-only period (days)"), _(
        "Days a company stays read-only before its subscription is cancelled."))
    retention_days = _days(_("retention period (days)"), _(
        "Days a cancelled company's data is kept (read-only, exportable) before it is deleted."), most=3650)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.CharField(_("updated by"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("vendor settings")
        verbose_name_plural = _("vendor settings")

    def __str__(self) -> str:
        return "vendor settings"


class CompanyUpgrade(models.Model):
    """Where one company's schema stands in the upgrade rollout (``crm migrate``, tenants.upgrade).

    ``fingerprint`` is that of the deployed code's migrations the schema was last found complete
    for (or was being migrated to); a failed company is read-only until a retry succeeds."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("upgrade state", "Pending")
        MIGRATING = "migrating", _("Migrating")
        DONE = "done", _("Up to date")
        FAILED = "failed", pgettext_lazy("upgrade state", "Failed")

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, primary_key=True, related_name="upgrade")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    fingerprint = models.CharField(_("migrations fingerprint"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    applied = models.PositiveIntegerField(_("migrations applied"), default=0)  # by the last run that migrated it

    class Meta:
        verbose_name = _("company upgrade")
        verbose_name_plural = _("company upgrades")
        indexes = [models.Index(fields=["state"], name="tenants_upgrade_state_idx")]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.state}"


class UpgradeRun(models.Model):
    """One ``crm migrate`` (or a retry from the console): when, for which code, with what result."""

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    fingerprint = models.CharField(_("migrations fingerprint"), max_length=64)
    workers = models.PositiveSmallIntegerField(_("workers"), default=1)
    checked = models.PositiveIntegerField(_("companies checked"), default=0)
    skipped = models.PositiveIntegerField(_("companies already up to date"), default=0)
    migrated = models.PositiveIntegerField(_("companies migrated"), default=0)
    failed = models.PositiveIntegerField(_("companies failed"), default=0)
    host = models.CharField(_("host and process"), max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("upgrade run")
        verbose_name_plural = _("upgrade runs")

    def __str__(self) -> str:
        return f"upgrade {self.started_at:%Y-%m-%d %H:%M} {self.fingerprint[:12]}"
