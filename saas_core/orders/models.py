"""Orders (ORD-01): what a customer bought, its lines with what was delivered, and shipments (发货单).

The order's shipping status and each line's ``delivered`` are facts kept by one service
(``services.ship`` / ``void_shipment``) under a lock on the order, never edited by hand; the
database refuses delivered > ordered whoever writes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.dictionaries.fields import DictionaryForeignKey
from saas_core.lines.models import ProductLine, document_indexes, line_checks, money_field
from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record

USER = settings.AUTH_USER_MODEL


@business_record(module="contracts", owner_field="owner", label_field="number")
class Order(BusinessRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("order status", "Awaiting confirmation")
        PENDING_APPROVAL = "pending_approval", pgettext_lazy("order status", "Awaiting approval")
        CONFIRMED = "confirmed", pgettext_lazy("order status", "Confirmed")
        COMPLETED = "completed", pgettext_lazy("order status", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")

    class Shipping(models.TextChoices):
        NOT_SHIPPED = "not_shipped", pgettext_lazy("shipping status", "Not shipped")
        PARTLY_SHIPPED = "partly_shipped", pgettext_lazy("shipping status", "Partly shipped")
        SHIPPED = "shipped", pgettext_lazy("shipping status", "Shipped")

    number = models.CharField(_("order number"), max_length=40)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="orders")
    opportunity = models.ForeignKey("opportunities.Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="orders")
    quote = models.ForeignKey("quotes.Quote", verbose_name=_("quote"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="orders")
    contract = models.ForeignKey("contracts.Contract", verbose_name=_("contract"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="orders")
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    strategy = models.ForeignKey("products.PriceStrategy", verbose_name=_("price strategy"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    # Set by people (confirm, cancel) and by the approval engine; "completed" follows the shipments.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    shipping_status = models.CharField(_("shipping status"), max_length=20, choices=Shipping.choices,
                                       default=Shipping.NOT_SHIPPED)
    ordered_on = models.DateField(_("order date"))
    deliver_by = models.DateField(_("deliver by"), null=True, blank=True)
    receiver = models.CharField(_("receiver"), max_length=100, blank=True)
    receiver_phone = models.CharField(_("receiver's phone"), max_length=40, blank=True)
    address = models.CharField(_("delivery address"), max_length=300, blank=True)
    terms = models.TextField(_("terms"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    subtotal = money_field(_("lines total"), default=0)
    discount = money_field(_("document discount"), default=0)
    total = money_field(_("total"), default=0)
    # Σ quantity × the product's cost price when the line was saved (gross margin = total − cost).
    cost_total = money_field(_("cost total"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            *document_indexes("order"),
            models.Index(fields=["customer", "-ordered_on"], name="order_customer"),
            models.Index(fields=["quote"], name="order_quote", condition=Q(quote__isnull=False)),
            models.Index(fields=["contract"], name="order_contract", condition=Q(contract__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="order_number_unique"),
            models.CheckConstraint(condition=Q(discount__gte=0), name="order_discount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("orders:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        """Lines and amounts change only before confirmation (locked while awaiting approval)."""
        return self.status == self.Status.DRAFT

    @property
    def can_ship(self) -> bool:
        return self.status == self.Status.CONFIRMED and self.shipping_status != self.Shipping.SHIPPED

    @property
    def margin(self):
        return None if self.cost_total is None else self.total - self.cost_total


class OrderLine(ProductLine):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    delivered = money_field(_("delivered"), default=0)
    unit_cost = money_field(_("cost price"), null=True, blank=True)

    class Meta(ProductLine.Meta):
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        indexes = [
            models.Index(fields=["order", "position", "id"], name="order_line_order"),
            models.Index(fields=["product", "order"], name="order_line_product"),
        ]
        constraints = [
            *line_checks("order_line"),
            models.CheckConstraint(condition=Q(delivered__gte=0) & Q(delivered__lte=F("quantity")),
                                   name="order_line_delivered_within_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position}: {self.product_id}"

    @property
    def remaining(self):
        return self.quantity - self.delivered


class Shipment(models.Model):
    """One dispatch of some of an order's lines (发货单). Voiding it gives the quantities back."""

    number = models.CharField(_("shipment number"), max_length=40)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    shipped_on = models.DateField(_("shipping date"))
    method = DictionaryForeignKey("shipping_method", _("shipping method"))
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-shipped_on", "-id"]
        indexes = [models.Index(fields=["order", "-shipped_on"], name="shipment_order")]
        constraints = [models.UniqueConstraint(fields=["number"], name="shipment_number_unique")]

    def __str__(self) -> str:
        return self.number


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="shipment_lines")
    quantity = money_field(_("quantity"))

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_quantity_positive"),
            models.UniqueConstraint(fields=["shipment", "order_line"], name="one_shipment_line_per_order_line"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.order_line_id} × {self.quantity}"
