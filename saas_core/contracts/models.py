"""Contracts (CTR-01): a signed agreement with one customer, its product lines, delivery plans and
delivery records; and the company's document numbering (pattern + a counter row per year)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.dictionaries.fields import DictionaryForeignKey
from saas_core.lines.models import ProductLine, document_indexes, line_checks, money_field
from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record

USER = settings.AUTH_USER_MODEL


class NumberPattern(models.Model):
    """How a document type's numbers look (company-configurable), e.g. ``HT{YYYY}{MM}-{SEQ:4}``."""

    key = models.SlugField(_("document type"), max_length=30, unique=True)
    pattern = models.CharField(_("number pattern"), max_length=60)

    class Meta:
        verbose_name = _("number pattern")
        verbose_name_plural = _("number patterns")

    def __str__(self) -> str:
        return f"{self.key}: {self.pattern}"


class NumberCounter(models.Model):
    """The last sequence number given for a document type in a year: locked (SELECT … FOR UPDATE)
    by the transaction that creates a document, so numbers are gap-free and never given twice."""

    key = models.SlugField(max_length=30)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="one_counter_per_type_and_year")]

    def __str__(self) -> str:
        return f"{self.key} {self.year}: {self.last}"


@business_record(module="contracts", owner_field="owner", label_field="number")
class Contract(BusinessRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("contract status", "Draft")
        PENDING_APPROVAL = "pending_approval", pgettext_lazy("contract status", "Awaiting approval")
        IN_PROGRESS = "in_progress", pgettext_lazy("contract status", "In progress")
        COMPLETED = "completed", pgettext_lazy("contract status", "Completed")
        TERMINATED = "terminated", pgettext_lazy("contract status", "Terminated")
        VOID = "void", pgettext_lazy("contract status", "Void")

    number = models.CharField(_("contract number"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    category = DictionaryForeignKey("contract_category", _("category"))
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="contracts")
    opportunity = models.ForeignKey("opportunities.Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="contracts")
    quote = models.ForeignKey("quotes.Quote", verbose_name=_("quote"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="contracts")
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    strategy = models.ForeignKey("products.PriceStrategy", verbose_name=_("price strategy"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    start_on = models.DateField(_("start date"))
    end_on = models.DateField(_("end date"))
    customer_signer = models.ForeignKey("customers.Contact", verbose_name=_("customer's signer"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="+")
    our_signer = models.ForeignKey(USER, verbose_name=_("our signer"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    terms = models.TextField(_("terms"), blank=True)
    renewal_days = models.PositiveSmallIntegerField(
        _("renewal reminder (days before the end)"), default=30,
        help_text=_("The owner is reminded this many days before the end date; 0: no reminder."))
    # Stored by services._save only (one computation: saas_core.lines.services.compute_totals).
    subtotal = money_field(_("lines total"), default=0)
    discount = money_field(_("document discount"), default=0)
    total = money_field(_("total"), default=0)
    attachments = GenericRelation("attachments.Attachment", content_type_field="parent_type",
                                  object_id_field="parent_id", related_query_name="contract")

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-id"]
        indexes = [
            *document_indexes("contract"),
            models.Index(fields=["customer", "-start_on"], name="contract_customer"),
            models.Index(fields=["opportunity"], name="contract_opportunity", condition=Q(opportunity__isnull=False)),
            models.Index(fields=["quote"], name="contract_quote", condition=Q(quote__isnull=False)),
            # The renewal reminders: contracts in progress by end date.
            models.Index(fields=["end_on"], name="contract_running_end",
                         condition=Q(status="in_progress", deleted_at__isnull=True)),
            # Sales-target actuals (contracts.targets): signed amounts by month and owner.
            models.Index(fields=["signed_on", "owner"], name="contract_signed", include=["total", "status"],
                         condition=Q(signed_on__isnull=False, deleted_at__isnull=True)),
        ]
        constraints = [
            # Never given twice, not even to a contract in the recycle bin.
            models.UniqueConstraint(fields=["number"], name="contract_number_unique"),
            models.CheckConstraint(condition=Q(end_on__gte=F("start_on")), name="contract_end_not_before_start"),
            models.CheckConstraint(condition=Q(discount__gte=0), name="contract_discount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("contracts:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        """Lines and amounts change only in a draft (locked while awaiting approval and once signed)."""
        return self.status == self.Status.DRAFT


class ContractLine(ProductLine):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")

    class Meta(ProductLine.Meta):
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        indexes = [
            models.Index(fields=["contract", "position", "id"], name="contract_line_order"),
            models.Index(fields=["product", "contract"], name="contract_line_product"),
        ]
        constraints = line_checks("contract_line")

    def __str__(self) -> str:
        return f"{self.contract_id}/{self.position}: {self.product_id}"


class DeliveryPlan(models.Model):
    """What the company promised to deliver, and when (交付计划)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="delivery_plans")
    planned_on = models.DateField(_("planned date"))
    content = models.CharField(_("what is delivered"), max_length=200)
    amount = money_field(_("amount"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery plan")
        verbose_name_plural = _("delivery plans")
        ordering = ["planned_on", "id"]
        indexes = [models.Index(fields=["contract", "planned_on"], name="delivery_plan_contract")]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="delivery_plan_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.planned_on}: {self.content}"


class DeliveryRecord(models.Model):
    """A delivery that happened (交付记录), against a plan or on its own."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="delivery_records")
    plan = models.ForeignKey(DeliveryPlan, verbose_name=_("delivery plan"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="records")
    delivered_on = models.DateField(_("delivery date"))
    content = models.CharField(_("what was delivered"), max_length=200)
    amount = money_field(_("amount"), default=0)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery record")
        verbose_name_plural = _("delivery records")
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["contract", "-delivered_on"], name="delivery_record_contract")]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="delivery_record_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.delivered_on}: {self.content}"
