"""Public pools (公海, CUS-06): pools with members and admins, reclaim rules, what is in a pool.

A customer is *in a pool* when it has a ``PoolEntry`` and no owner (``Customer.owner`` is None).
Pools and rules are company configuration set by the Boss, not business records: they have no
owner, no recycle bin and no data log. What happens to a customer (released, claimed, assigned,
reclaimed) shows in the customer's own data log, because every move changes ``Customer.owner``,
which pghistory tracks.

Rules of operation live in ``saas_core.pools.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas_core.dictionaries.fields import DictionaryForeignKey

# The pick-lists a reclaim rule may name as the customer "level", and the Customer field each is stored in.
LEVEL_TYPES: dict[str, str] = {
    "customer_category": "category",
    "customer_grade": "grade",
    "value_class": "value_class",
}


class Pool(models.Model):
    """One public pool: who may use it, who runs it, and its claim rules.

    Members are users and/or departments (a department counts with its sub-departments). A pool
    with no members at all is open to every user of the company. Admins assign customers of the
    pool to its members; the Boss is an admin of every pool.
    """

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(
        _("default pool"), default=False,
        help_text=_("Its reclaim rules also cover owners who belong to no pool; it is offered first when releasing."),
    )
    member_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("member users"), blank=True, related_name="member_of_pools",
    )
    member_departments = models.ManyToManyField(
        "org.Department", verbose_name=_("member departments"), blank=True, related_name="+",
        help_text=_("Everyone in these departments and their sub-departments is a member."),
    )
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("admins"), blank=True, related_name="admin_of_pools",
        help_text=_("Admins may assign the pool's customers to members. The Boss is an admin of every pool."),
    )
    daily_claim_limit = models.PositiveIntegerField(
        _("daily claim limit"), default=10,
        help_text=_("How many customers one member may claim from this pool per day; 0 means no limit."),
    )
    reclaim_wait_days = models.PositiveIntegerField(
        _("waiting period for the previous owner (days)"), default=30,
        help_text=_("Days before the user who released a customer (or lost it to a rule) may claim it again."),
    )
    holding_cap = models.PositiveIntegerField(
        _("holding cap per person"), default=0,
        help_text=_("A member who already owns this many customers cannot claim more; 0 means no cap."),
    )
    warn_days_ahead = models.PositiveIntegerField(
        _("warn the owner (days ahead)"), default=3, validators=[MaxValueValidator(365)],
        help_text=_("Owners are warned this many days before a rule returns their customer to the pool."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("public pool")
        verbose_name_plural = _("public pools")
        ordering = ["-is_default", "name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="pools_pool_unique_name"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="pools_one_default"),
        ]

    def __str__(self) -> str:
        return self.name


class ReclaimRule(models.Model):
    """Customers of one level (or any) go back to the pool after N days without something.

    Only ``no_follow_up`` and ``no_deal`` are evaluated today (see services.reclaim_due):

    - no_follow_up: no follow-up for N days: ``Customer.last_contact_at``, or when the current
      owner got the customer (claim/assignment) or its creation, whichever is latest;
    - no_deal: a proxy until contracts exist: the customer's status is not "signed" N days after
      the current owner got it (or it was created);
    - no_opportunity: stored, not evaluated; it takes effect when opportunities exist.
    """

    class Kind(models.TextChoices):
        NO_FOLLOW_UP = "no_follow_up", _("No follow-up")
        NO_OPPORTUNITY = "no_opportunity", _("No opportunity")
        NO_DEAL = "no_deal", _("No deal")

    EVALUATED = (Kind.NO_FOLLOW_UP, Kind.NO_DEAL)

    pool = models.ForeignKey(Pool, verbose_name=_("pool"), on_delete=models.CASCADE, related_name="rules")
    level = models.ForeignKey(
        "dictionaries.DictionaryItem", verbose_name=_("customer level"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="pool_reclaim_rules",
        limit_choices_to=Q(type__key__in=list(LEVEL_TYPES), is_active=True),
        help_text=_("A customer category, grade or value class; empty means any customer."),
    )
    kind = models.CharField(_("condition"), max_length=20, choices=Kind.choices, default=Kind.NO_FOLLOW_UP)
    days = models.PositiveIntegerField(_("days"), validators=[MinValueValidator(1), MaxValueValidator(3650)])
    is_active = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reclaim rule")
        verbose_name_plural = _("reclaim rules")
        ordering = ["pool_id", "kind", "days", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "level", "kind"], nulls_distinct=False, name="pools_rule_unique_level_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level or _('Any customer')}: {self.get_kind_display()} {self.days}"

    @property
    def is_evaluated(self) -> bool:
        return self.kind in self.EVALUATED


class PoolEntry(models.Model):
    """A customer's presence in a pool (the customer's owner is None while it is there)."""

    class How(models.TextChoices):
        MANUAL = "manual", _("Released by hand")
        RULE = "rule", _("Reclaim rule")
        DEPARTED = "departed", _("Owner left")

    customer = models.OneToOneField(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="pool_entry",
    )
    pool = models.ForeignKey(Pool, verbose_name=_("pool"), on_delete=models.PROTECT, related_name="entries")
    released_at = models.DateTimeField(_("released"), default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("released by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("previous owner"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    reason = DictionaryForeignKey("release_reason", _("reason"))
    how = models.CharField(_("how"), max_length=10, choices=How.choices, default=How.MANUAL)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("customer in a pool")
        verbose_name_plural = _("customers in pools")
        ordering = ["-released_at", "-pk"]
        indexes = [models.Index(fields=["pool", "-released_at"], name="pools_entry_pool_recent")]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.pool_id}"


class ClaimLog(models.Model):
    """A customer taken from a pool: by a member (claim) or given by an admin (assign).

    Counts claims for the daily limit, and tells the reclaim rules since when the current
    owner has had the customer.
    """

    class How(models.TextChoices):
        CLAIM = "claim", _("Claimed")
        ASSIGN = "assign", _("Assigned")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("new owner"), on_delete=models.CASCADE,
                             related_name="+")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="+")
    pool = models.ForeignKey(Pool, verbose_name=_("pool"), null=True, on_delete=models.SET_NULL, related_name="claims")
    at = models.DateTimeField(_("time"), default=timezone.now)
    how = models.CharField(_("how"), max_length=10, choices=How.choices, default=How.CLAIM)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["user", "pool", "at"], name="pools_claim_daily"),
            models.Index(fields=["customer", "user", "-at"], name="pools_claim_owner_since"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ← {self.customer_id}"


class ReclaimWarning(models.Model):
    """A notice to an owner: this customer returns to the pool at ``due_at`` unless followed up.

    Recorded once per rule, customer, owner and ``basis_at`` (the moment the rule's clock
    started): hourly runs find it and add nothing. A follow-up, a claim or a new owner starts a
    new clock, and the old notice stops counting (the next run deletes it).
    """

    rule = models.ForeignKey(ReclaimRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="warnings")
    pool = models.ForeignKey(Pool, verbose_name=_("pool"), on_delete=models.CASCADE, related_name="warnings")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                              related_name="+")
    days = models.PositiveIntegerField(_("days"))
    basis_at = models.DateTimeField(_("counted from"))
    warned_at = models.DateTimeField(_("warned"), default=timezone.now)
    due_at = models.DateTimeField(_("returns to the pool"))

    class Meta:
        verbose_name = _("reclaim warning")
        verbose_name_plural = _("reclaim warnings")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "customer", "owner", "basis_at"], name="pools_warning_once"),
        ]
        indexes = [models.Index(fields=["owner", "due_at"], name="pools_warning_owner_due")]

    def __str__(self) -> str:
        return f"{self.customer_id} → pool {self.pool_id} at {self.due_at:%Y-%m-%d}"
