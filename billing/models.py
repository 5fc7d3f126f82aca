"""What the vendor sells and what each company has bought (public schema).

The catalogue (``Module``, ``Plan``) is the vendor's; ``Subscription`` is one company's
purchase; ``ModuleOverride`` lets the vendor switch a module on or off for one company
regardless of its subscription. ``billing.entitlements`` turns these into the set of module
keys a company may use; the module platform (``plugins``) reads only that set.

Money is kept in integer minor units (fen, cents) with the currency beside it, as Stripe does.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import CURRENCIES


class CatalogueItem(models.Model):
    """What a module and a plan share: a name, a price's currency, being on sale, a place in the
    list, and the Stripe product and plan it is synced to."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    active = models.BooleanField(_("on sale"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    stripe_product_id = models.CharField(max_length=64, blank=True)
    stripe_plan_id = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


def installed_module_keys() -> frozenset[str]:
    """Keys of the modules whose plugin is installed and registered in this installation.

    A catalogue row may outlive its plugin (or be typed in before it is installed): such a row is
    never offered, priced, sold or enabled, because there is nothing behind it.
    """
    from plugins import manager

    return frozenset(manager.modules())


class ModuleQuerySet(models.QuerySet):
    def installed(self) -> ModuleQuerySet:
        return self.filter(key__in=installed_module_keys())

    def for_sale(self) -> ModuleQuerySet:
        """What a company may add: on sale and installed here."""
        return self.installed().filter(active=True)


class Module(CatalogueItem):
    """A sellable optional module; ``key`` is the plugin's key (``crm_module_info()["key"]``)."""

    key = models.SlugField(_("key"), max_length=50, primary_key=True)
    price_minor = models.PositiveIntegerField(
        _("monthly price (minor units)"), default=0,
        help_text=_("Per company and month, in the smallest unit of the currency (fen, cents)."),
    )

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "key"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """What the Boss reads (billing pages, the choice of add-ons): the installed module's own
        name in the reader's language, as the Modules page shows it; the stored name is one
        language only ("SMS gateway" on a Chinese page)."""
        from plugins import manager

        return manager.module_name(self.key) or self.name


class Plan(CatalogueItem):
    """A subscription plan: a price per seat and the modules it includes."""

    class Interval(models.TextChoices):
        MONTH = "month", _("Monthly")
        YEAR = "year", _("Yearly")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    price_per_seat_minor = models.PositiveIntegerField(
        _("price per seat (minor units)"), default=0,
        help_text=_("Per user and billing interval, in the smallest unit of the currency (fen, cents)."),
    )
    interval = models.CharField(_("billing interval"), max_length=5, choices=Interval.choices, default=Interval.MONTH)
    included_modules = models.ManyToManyField(Module, blank=True, related_name="plans", verbose_name=_("included modules"))
    min_seats = models.PositiveSmallIntegerField(_("minimum seats"), default=1, validators=[MinValueValidator(1)])
    storage_quota_mb = models.PositiveIntegerField(
        _("file storage (MB)"), default=1024, help_text=_("Attachment storage included for the whole company."),
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")


class Subscription(models.Model):
    """One company's purchase: plan, seats and add-on modules, mirrored from Stripe.

    The company's lifecycle state (trialing, active, past_due, ...) is ``Tenant.status``, not a
    field here: there is one state, with its transitions in one place (the billing issue).
    """

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("plan"))
    seats = models.PositiveIntegerField(_("seats"), default=1, validators=[MinValueValidator(1)])
    modules = models.ManyToManyField(Module, blank=True, related_name="subscriptions", verbose_name=_("add-on modules"))
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    stripe_subscription_id = models.CharField(max_length=64, blank=True)
    # Add-on modules are one Stripe subscription each ({module key: subscription id}):
    # localstripe allows one item per subscription (billing.stripe_api).
    stripe_module_subscriptions = models.JSONField(default=dict, blank=True)
    card_brand = models.CharField(_("card"), max_length=20, blank=True)
    card_last4 = models.CharField(_("card ending"), max_length=4, blank=True)
    paid_since = models.DateTimeField(_("paying since"), null=True, blank=True)
    current_period_start = models.DateTimeField(_("period start"), null=True, blank=True)
    current_period_end = models.DateTimeField(_("paid until"), null=True, blank=True)
    cancel_at_period_end = models.BooleanField(_("cancels at period end"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.tenant} · {self.plan}"


class ModuleOverride(models.Model):
    """The vendor's decision to switch one module on or off for one company."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="module_overrides")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("module"))
    enabled = models.BooleanField(_("enabled"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "module"], name="billing_override_one_per_module")]
        verbose_name = _("module override")
        verbose_name_plural = _("module overrides")

    def __str__(self) -> str:
        return f"{self.tenant_id} · {self.module_id} · {'on' if self.enabled else 'off'}"


class StripeEvent(models.Model):
    """A webhook event we have handled: the unique id makes a redelivery a no-op."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"
