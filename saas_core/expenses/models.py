"""Expense claims (EXP-01, 费用报销): what a salesperson spent, on which customer, opportunity or
contract, with the receipts; approved through the approval engine."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.dictionaries.fields import DictionaryForeignKey
from saas_core.lines.models import money_field
from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record

USER = settings.AUTH_USER_MODEL


@business_record(module="expenses", owner_field="owner", label_field="label")
class Expense(BusinessRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("expense status", "Draft")
        PENDING_APPROVAL = "pending_approval", pgettext_lazy("expense status", "Awaiting approval")
        APPROVED = "approved", pgettext_lazy("expense status", "Approved")
        REJECTED = "rejected", pgettext_lazy("expense status", "Rejected")

    type = DictionaryForeignKey("expense_type", _("expense type"))
    amount = money_field(_("amount"))
    spent_on = models.DateField(_("date"))
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="expenses")
    opportunity = models.ForeignKey("opportunities.Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="expenses")
    contract = models.ForeignKey("contracts.Contract", verbose_name=_("contract"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="expenses")
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(USER, verbose_name=_("claimant"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    attachments = GenericRelation("attachments.Attachment", content_type_field="parent_type",
                                  object_id_field="parent_id", related_query_name="expense")

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-spent_on", "-id"]
        indexes = [
            models.Index(fields=["owner", "-spent_on"], name="expense_owner"),
            # The customer 360° panel's total: Σ amount by customer, live rows only.
            models.Index(fields=["customer", "status"], name="expense_customer",
                         condition=Q(customer__isnull=False, deleted_at__isnull=True)),
            models.Index(fields=["-created_at", "-id"], name="expense_created"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        kind = self.type.label if self.type_id else _("Expense")
        return f"{kind} {self.amount} ({self.spent_on:%Y-%m-%d})" if self.spent_on else str(kind)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("expenses:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.REJECTED)
