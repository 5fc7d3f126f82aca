"""Opportunities (OPP-01): types with their ordered stages, the opportunities, and the stage history."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saas_core.dictionaries.fields import DictionaryForeignKey
from saas_core.dictionaries.models import in_language
from saas_core.money import DECIMAL_PLACES, MAX_DIGITS
from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record

USER = settings.AUTH_USER_MODEL


class OpportunityType(models.Model):
    """A kind of deal (new business, renewal, tender …) with its own stage list; the Boss edits them."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=60, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("opportunity type")
        verbose_name_plural = _("opportunity types")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.name_zh, self.name_en)


class Stage(models.Model):
    """One step of a type's sales process, with the default win probability of an opportunity in it."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("In progress")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    type = models.ForeignKey(OpportunityType, verbose_name=_("opportunity type"), on_delete=models.CASCADE,
                             related_name="stages")
    name_zh = models.CharField(_("name (Chinese)"), max_length=60, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("win probability (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    outcome = models.CharField(_("outcome"), max_length=4, choices=Outcome.choices, default=Outcome.OPEN)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["type_id", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability_max_100"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.name_zh, self.name_en)

    @property
    def is_closed(self) -> bool:
        return self.outcome != self.Outcome.OPEN


@business_record(module="opportunities", owner_field="owner", label_field="subject")
class Opportunity(BusinessRecord):
    subject = models.CharField(_("subject"), max_length=200)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="opportunities")
    contacts = models.ManyToManyField("customers.Contact", verbose_name=_("contacts"), blank=True,
                                      related_name="opportunities")
    type = models.ForeignKey(OpportunityType, verbose_name=_("opportunity type"), on_delete=models.PROTECT,
                             related_name="opportunities")
    found_on = models.DateField(_("found on"))
    source = DictionaryForeignKey("opportunity_source", _("source"))
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    requirements = models.TextField(_("requirements"), blank=True)
    expected_sign_on = models.DateField(_("expected sign date"), null=True, blank=True)
    expected_amount = models.DecimalField(_("expected amount"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES,
                                          null=True, blank=True, validators=[MinValueValidator(0)])
    # Changed only by services.change_stage, which writes the StageChange history in the same transaction.
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities")
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    stage_note = models.CharField(_("stage note"), max_length=500, blank=True)
    lost_reason = DictionaryForeignKey("lost_reason", _("lost reason"))
    competitors = models.TextField(_("competitors"), blank=True)
    solutions = models.TextField(_("solutions"), blank=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list's default order, for all and within one owner (Sales scope).
            models.Index(fields=["-created_at", "-id"], name="opp_recent", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["owner", "-created_at", "-id"], name="opp_owner_recent",
                         condition=Q(deleted_at__isnull=True)),
            # The kanban's cards (newest first per stage) and its column counts and amounts for all (the
            # Boss), index-only with the amount.
            models.Index(fields=["stage", "-created_at", "-id"], name="opp_stage_recent", include=["expected_amount"],
                         condition=Q(deleted_at__isnull=True)),
            # The funnel and forecast's one GROUP BY (stage, month) and the kanban's counts within a data
            # scope (owners), read from the index alone. For everyone's funnel PostgreSQL reads the table
            # (every row is counted): an index on (stage, expected_sign_on) went unused and was dropped,
            # like one on (type, stage); docs/pipeline-plans.md has the plans.
            models.Index(fields=["owner", "stage", "expected_sign_on"], name="opp_owner_funnel",
                         include=["expected_amount", "probability"], condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["customer", "-created_at"], name="opp_customer"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(probability__lte=100), name="opp_probability_max_100"),
            models.CheckConstraint(condition=Q(expected_amount__gte=0) | Q(expected_amount__isnull=True),
                                   name="opp_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.subject


class StageChange(models.Model):
    """One move of an opportunity from a stage to another (the first row: its creation)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, verbose_name=_("from"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    to_stage = models.ForeignKey(Stage, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(USER, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("time"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    lost_reason = DictionaryForeignKey("lost_reason", _("lost reason"), related_name="+")

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage history")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["opportunity", "-at", "-id"], name="stage_change_latest")]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_stage_id} → {self.to_stage_id}"
