"""Quotes (QUO-01): a priced offer of products to one customer, with its lines."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.customers.models import SEARCH_FIELDS, SearchKeysMixin
from saas_core.lines.models import ProductLine, document_indexes, line_checks, money_field
from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record

USER = settings.AUTH_USER_MODEL




@business_record(module="quotes", owner_field="owner", label_field="number", history_exclude=SEARCH_FIELDS)
class Quote(SearchKeysMixin, BusinessRecord):
    """Search keys: the pinyin of the subject (the customer's are its own, see queries.apply_filters)."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("quote status", "Draft")
        SENT = "sent", pgettext_lazy("quote status", "Sent")
        ACCEPTED = "accepted", pgettext_lazy("quote status", "Accepted")
        REJECTED = "rejected", pgettext_lazy("quote status", "Rejected")
        EXPIRED = "expired", pgettext_lazy("quote status", "Expired")

    number = models.CharField(_("quote number"), max_length=30, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="quotes")
    opportunity = models.ForeignKey("opportunities.Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="quotes")
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    strategy = models.ForeignKey("products.PriceStrategy", verbose_name=_("price strategy"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    quoted_on = models.DateField(_("quote date"))
    valid_until = models.DateField(_("valid until"))
    terms = models.TextField(_("terms"), blank=True)
    # Stored by services.save_lines only (one computation: compute_totals).
    subtotal = money_field(_("lines total"), default=0)
    discount = money_field(_("document discount"), default=0)
    total = money_field(_("total"), default=0)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-id"]
        indexes = [
            *document_indexes("quote"),
            models.Index(fields=["customer", "-created_at"], name="quote_customer"),
            GinIndex(fields=["search_tokens"], name="quote_search_gin"),
            models.Index(fields=["opportunity"], name="quote_opportunity", condition=Q(opportunity__isnull=False)),
            # The expiry task and "expiring this week": open quotes by validity date.
            models.Index(fields=["valid_until"], name="quote_open_valid",
                         condition=Q(status__in=["draft", "sent"], deleted_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(discount__gte=0), name="quote_discount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SENT)


class QuoteLine(ProductLine):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("products.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="quote_lines")

    class Meta(ProductLine.Meta):
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        indexes = [
            models.Index(fields=["quote", "position", "id"], name="quote_line_order"),
            # The customer's last prices for a product and the product 360°'s "interested".
            models.Index(fields=["product", "quote"], name="quote_line_product"),
        ]
        constraints = line_checks("quote_line")

    def __str__(self) -> str:
        return f"{self.quote_id}/{self.position}: {self.product_id}"
