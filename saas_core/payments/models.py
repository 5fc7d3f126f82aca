"""Receivables (PAY-01): payment plans (回款计划), payment records (回款记录) and invoices (开票).

Each belongs to one contract or one order (never both) and carries that document's customer and
owner, so lists, data scope and the 360° figures need no join. A plan's status is derived
(``services.plan_status``), never set by hand: ``received`` is a fact kept by one service
(``services.refresh_received``) from the confirmed payment records allocated to it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.dictionaries.fields import DictionaryForeignKey
from saas_core.lines.models import money_field
from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record

USER = settings.AUTH_USER_MODEL
ONE_PARENT = (Q(contract__isnull=False) & Q(order__isnull=True)) | (Q(contract__isnull=True) & Q(order__isnull=False))
LIVE = Q(deleted_at__isnull=True)


class Receivable(BusinessRecord):
    """What plans, records and invoices share: the contract or order, its customer and owner."""

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("contract"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="%(class)ss")
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="%(class)ss")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="%(class)ss")
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    amount = money_field(_("amount"))
    note = models.TextField(_("note"), blank=True)

    class Meta(BusinessRecord.Meta):
        abstract = True

    @property
    def parent(self):
        return self.contract if self.contract_id else self.order

    @property
    def parent_number(self) -> str:
        parent = self.parent
        return parent.number if parent is not None else ""


def _checks(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(amount__gt=0), name=f"{prefix}_amount_positive"),
        models.CheckConstraint(condition=ONE_PARENT, name=f"{prefix}_one_parent"),
    ]


def _indexes(prefix: str) -> list[models.Index]:
    return [
        models.Index(fields=["contract"], name=f"{prefix}_contract", condition=Q(contract__isnull=False)),
        models.Index(fields=["order"], name=f"{prefix}_order", condition=Q(order__isnull=False)),
        models.Index(fields=["-created_at", "-id"], name=f"{prefix}_recent", condition=LIVE),
        models.Index(fields=["owner", "-created_at", "-id"], name=f"{prefix}_owner_recent", condition=LIVE),
    ]


@business_record(module="payments", owner_field="owner", label_field="label")
class PaymentPlan(Receivable):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("payment plan status", "Awaiting payment")
        PARTIAL = "partial", pgettext_lazy("payment plan status", "Partly paid")
        DONE = "done", pgettext_lazy("payment plan status", "Paid")
        OVERDUE = "overdue", pgettext_lazy("payment plan status", "Overdue")
        VOID = "void", pgettext_lazy("payment plan status", "Void")

    installment = models.PositiveSmallIntegerField(_("installment"))
    due_on = models.DateField(_("due date"))
    method = DictionaryForeignKey("payment_method", _("payment method"))
    remind_days = models.PositiveSmallIntegerField(
        _("remind days before"), default=3, help_text=_("The owner is reminded this many days before the due date; "
                                                        "0: no reminder."))
    voided = models.BooleanField(_("void"), default=False)
    # Kept by services.refresh_received only: Σ allocations of confirmed, live payment records.
    received = money_field(_("received"), default=0)
    override_reason = models.TextField(_("reason for exceeding the total"), blank=True)

    class Meta:
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")
        ordering = ["due_on", "installment", "id"]
        indexes = [
            *_indexes("payplan"),
            models.Index(fields=["customer", "due_on"], name="payplan_customer"),
            # Receivables: what is still open, by due date (workbench, reminders).
            models.Index(fields=["due_on"], name="payplan_open_due",
                         condition=LIVE & Q(voided=False) & Q(received__lt=F("amount"))),
            models.Index(fields=["owner", "due_on"], name="payplan_owner_open_due",
                         condition=LIVE & Q(voided=False) & Q(received__lt=F("amount"))),
        ]
        constraints = [
            *_checks("payplan"),
            models.CheckConstraint(condition=Q(received__gte=0), name="payplan_received_not_negative"),
            models.UniqueConstraint(fields=["contract", "installment"], name="payplan_contract_installment",
                                    condition=LIVE & Q(contract__isnull=False)),
            models.UniqueConstraint(fields=["order", "installment"], name="payplan_order_installment",
                                    condition=LIVE & Q(order__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _("%(number)s installment %(n)s") % {"number": self.parent_number, "n": self.installment}

    @property
    def number(self) -> str:  # the shared document pages name a record by its number
        return self.label

    @property
    def outstanding(self):
        return max(self.amount - self.received, 0) if not self.voided else 0

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("payments:plan_detail", args=[self.pk])


class Confirmable(models.TextChoices):
    """A payment record or invoice counts once confirmed; a flow may make it wait for approval."""

    DRAFT = "draft", pgettext_lazy("payment status", "Not confirmed")
    PENDING_APPROVAL = "pending_approval", pgettext_lazy("payment status", "Awaiting approval")
    CONFIRMED = "confirmed", pgettext_lazy("payment status", "Confirmed")


def _after_record_restore(model, pks) -> None:
    """A payment record back from the recycle bin counts on its installments again."""
    from saas_core.payments.services import after_record_restore

    after_record_restore(model, pks)


@business_record(module="payments", owner_field="owner", label_field="number", after_restore=_after_record_restore)
class PaymentRecord(Receivable):
    Status = Confirmable

    number = models.CharField(_("payment number"), max_length=40)
    received_on = models.DateField(_("payment date"))
    method = DictionaryForeignKey("payment_method", _("payment method"))
    account = models.CharField(_("receiving account"), max_length=100, blank=True)
    payer = models.CharField(_("payer"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Confirmable.choices, default=Confirmable.CONFIRMED)
    plans = models.ManyToManyField(PaymentPlan, through="PaymentAllocation", related_name="records",
                                   verbose_name=_("payment plans"))
    attachments = GenericRelation("attachments.Attachment", content_type_field="parent_type",
                                  object_id_field="parent_id", related_query_name="payment_record")

    class Meta:
        verbose_name = _("payment record")
        verbose_name_plural = _("payment records")
        ordering = ["-received_on", "-id"]
        indexes = [
            *_indexes("payrec"),
            models.Index(fields=["customer", "received_on"], name="payrec_customer"),
            models.Index(fields=["owner", "received_on"], name="payrec_owner_day",
                         condition=LIVE & Q(status="confirmed")),
        ]
        constraints = [
            *_checks("payrec"),
            models.UniqueConstraint(fields=["number"], name="payrec_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("payments:record_detail", args=[self.pk])


class PaymentAllocation(models.Model):
    """How much of a payment record went to one plan (a record may pay several installments)."""

    record = models.ForeignKey(PaymentRecord, on_delete=models.CASCADE, related_name="allocations")
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="allocations")
    amount = money_field(_("amount"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "plan"], name="payalloc_once_per_plan"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payalloc_amount_positive"),
        ]
        indexes = [models.Index(fields=["plan"], name="payalloc_plan")]

    def __str__(self) -> str:
        return f"{self.record_id} → {self.plan_id}: {self.amount}"


@business_record(module="payments", owner_field="owner", label_field="label")
class Invoice(Receivable):
    Status = Confirmable

    class Kind(models.TextChoices):
        SPECIAL = "special", _("Special VAT invoice")
        ORDINARY = "ordinary", _("Ordinary VAT invoice")
        ELECTRONIC = "electronic", _("Electronic invoice")

    class TitleType(models.TextChoices):
        COMPANY = "company", pgettext_lazy("invoice title type", "Company")
        PERSONAL = "personal", pgettext_lazy("invoice title type", "Individual")

    record = models.ForeignKey(PaymentRecord, verbose_name=_("payment record"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="invoices")
    kind = models.CharField(_("invoice type"), max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    title_type = models.CharField(_("title type"), max_length=20, choices=TitleType.choices,
                                  default=TitleType.COMPANY)
    title = models.CharField(_("invoice title"), max_length=200)
    tax_id = models.CharField(_("taxpayer ID"), max_length=30, blank=True)
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=50, blank=True)
    address = models.CharField(_("registered address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mail_address = models.CharField(_("mailing address"), max_length=300, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=40, blank=True)
    issued_on = models.DateField(_("invoice date"))
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Confirmable.choices, default=Confirmable.CONFIRMED)
    override_reason = models.TextField(_("reason for exceeding the total"), blank=True)
    attachments = GenericRelation("attachments.Attachment", content_type_field="parent_type",
                                  object_id_field="parent_id", related_query_name="invoice")

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-id"]
        indexes = [
            *_indexes("invoice"),
            models.Index(fields=["customer", "issued_on"], name="invoice_customer"),
        ]
        constraints = [
            *_checks("invoice"),
            models.UniqueConstraint(fields=["invoice_number"], name="invoice_number_unique",
                                    condition=LIVE & ~Q(invoice_number="")),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.invoice_number or _("Invoice #%(id)s") % {"id": self.pk}

    @property
    def number(self) -> str:  # the shared document pages name a record by its number
        return self.label

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("payments:invoice_detail", args=[self.pk])
