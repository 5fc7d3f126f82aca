"""Inventory (INV-01): warehouses and their keepers, stock documents, the append-only ledger and balances.

- ``Move`` is the ledger: one row per change of one product's stock in one warehouse. It is
  append-only (a database trigger refuses UPDATE and DELETE whoever writes); a correction is a new
  move that points at the one it reverses.
- ``Balance`` is the current stock per (product, warehouse): quantity, moving-average unit cost
  and value, written in the same transaction as its moves by ``posting.post`` only. Reports and
  the stock list read it, never the ledger.
- ``Document`` (入库单, 出库单, 调拨单, 盘点单, 期初) with its ``DocumentLine`` rows is what a keeper
  confirms; posting it writes the moves. A line posts at most once (a unique constraint on the
  ledger: one non-reversal move per line and warehouse).
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.lines.models import money_field

USER = settings.AUTH_USER_MODEL

# Unit costs keep 6 places, values 2 (issue 17), whatever the company's display precision.
COST_PLACES = 6
VALUE_PLACES = 2
MAX_WAREHOUSES = 80


def _cost_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=24, decimal_places=COST_PLACES, **kwargs)


def _value_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=20, decimal_places=VALUE_PLACES, **kwargs)


class InventorySettings(models.Model):
    """The company's inventory rules (one row, pk=1)."""

    allow_negative = models.BooleanField(
        _("allow negative stock"), default=False,
        help_text=_("Products may be issued below zero unless their own rule says otherwise."))
    allow_same_day_backdating = models.BooleanField(
        _("allow same-day back-dating"), default=False,
        help_text=_("A document may be dated earlier today; never on an earlier day."))

    class Meta:
        verbose_name = _("inventory settings")
        verbose_name_plural = _("inventory settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class StockRule(models.Model):
    """A product's own inventory rules: tracked or not (services are not), negative stock (overrides
    the company default), min and max."""

    product = models.OneToOneField("products.Product", on_delete=models.CASCADE, related_name="stock_rule")
    tracked = models.BooleanField(_("stock-tracked"), default=True,
                                  help_text=_("Confirmed orders make stock-outs for stock-tracked products."))
    allow_negative = models.BooleanField(_("allow negative stock"), null=True, blank=True,
                                         help_text=_("Empty: the company default."))
    min_quantity = money_field(_("minimum stock"), null=True, blank=True)
    max_quantity = money_field(_("maximum stock"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock rule")
        verbose_name_plural = _("stock rules")

    def __str__(self) -> str:
        return f"{self.product_id}"


class Warehouse(models.Model):
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    keepers = models.ManyToManyField(USER, verbose_name=_("keepers"), blank=True, related_name="kept_warehouses")
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["position", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="inventory_warehouse_code_unique"),
            models.UniqueConstraint(fields=["name"], name="inventory_warehouse_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Balance(models.Model):
    """Stock of one product in one warehouse; value = Σ move values, quantity = Σ move quantities."""

    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="stock_balances")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="balances")
    quantity = money_field(_("quantity"), default=0)
    unit_cost = _cost_field(_("average unit cost"), default=0)
    value = _value_field(_("stock value"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="inventory_one_balance_per_place"),
        ]
        indexes = [models.Index(fields=["warehouse", "product"], name="inventory_balance_warehouse")]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.quantity}"


class Document(models.Model):
    """A stock document: drafted by anyone with the right, posted when the keeper confirms it."""

    class Kind(models.TextChoices):
        INITIAL = "initial", pgettext_lazy("stock document", "Initial stock")
        IN = "in", pgettext_lazy("stock document", "Stock-in")
        OUT = "out", pgettext_lazy("stock document", "Stock-out")
        TRANSFER = "transfer", pgettext_lazy("stock document", "Transfer")
        STOCKTAKE = "stocktake", pgettext_lazy("stock document", "Stocktake")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("stock document status", "Awaiting confirmation")
        POSTED = "posted", pgettext_lazy("stock document status", "Posted")
        CANCELLED = "cancelled", pgettext_lazy("stock document status", "Cancelled")
        REVERSED = "reversed", pgettext_lazy("stock document status", "Undone")

    number = models.CharField(_("document number"), max_length=40)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  related_name="documents")
    to_warehouse = models.ForeignKey(Warehouse, verbose_name=_("to warehouse"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="incoming_documents")
    # The purchase order whose receipt (入库) this is.
    purchase_order = models.ForeignKey("inventory.PurchaseOrder", verbose_name=_("purchase order"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="receipts")
    # The sales order whose stock-out this is (made from ``crm_order_confirmed``).
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    # The order's shipment this stock-out made (voided when the stock-out is undone).
    shipment = models.ForeignKey("orders.Shipment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    # When the goods moved: now, or earlier today where the company allows same-day back-dating.
    occurred_at = models.DateTimeField(_("date"), null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    posted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock document")
        verbose_name_plural = _("stock documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="inventory_document_number_unique"),
            models.CheckConstraint(condition=~Q(warehouse=models.F("to_warehouse")),
                                   name="inventory_transfer_between_two_warehouses"),
        ]
        indexes = [
            models.Index(fields=["warehouse", "status", "-created_at"], name="inventory_doc_warehouse"),
            models.Index(fields=["order"], name="inventory_doc_order", condition=Q(order__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inventory:document", args=[self.pk])


class DocumentLine(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey("products.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="+")
    # In/out/transfer: how much; a stocktake: the counted quantity.
    quantity = money_field(_("quantity"))
    # A stock-in's unit cost (a receipt re-averages); empty elsewhere (issues take the average).
    unit_cost = _cost_field(_("unit cost"), null=True, blank=True)
    # A stocktake's book quantity when it was started (the snapshot).
    book_quantity = money_field(_("book quantity"), null=True, blank=True)
    order_line = models.ForeignKey("orders.OrderLine", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    purchase_line = models.ForeignKey("inventory.PurchaseLine", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="receipt_lines")

    class Meta:
        verbose_name = _("stock document line")
        verbose_name_plural = _("stock document lines")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="inventory_line_quantity_not_negative"),
            models.CheckConstraint(condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0),
                                   name="inventory_line_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}/{self.position}: {self.product_id}"


class Move(models.Model):
    """One ledger row. Never updated or deleted (database trigger); a reversal points at its move."""

    class Kind(models.TextChoices):
        INITIAL = "initial", pgettext_lazy("stock move", "Initial")
        IN = "in", pgettext_lazy("stock move", "In")
        OUT = "out", pgettext_lazy("stock move", "Out")
        TRANSFER_OUT = "transfer_out", pgettext_lazy("stock move", "Transfer out")
        TRANSFER_IN = "transfer_in", pgettext_lazy("stock move", "Transfer in")
        STOCKTAKE = "stocktake", pgettext_lazy("stock move", "Stocktake")
        REVERSAL = "reversal", pgettext_lazy("stock move", "Reversal")

    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    quantity = money_field(_("quantity"))  # signed: + in, − out
    unit_cost = _cost_field(_("unit cost"))
    value = _value_field(_("value"))  # signed like the quantity
    quantity_after = money_field(_("quantity after"))
    value_after = _value_field(_("value after"))
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="moves")
    line = models.ForeignKey(DocumentLine, null=True, on_delete=models.PROTECT, related_name="moves")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    occurred_at = models.DateTimeField(_("date"))
    posted_at = models.DateTimeField(_("posted"))
    posted_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-posted_at", "-id"]
        constraints = [
            # Each document line posts at most once in each warehouse it touches (a transfer: two).
            models.UniqueConstraint(fields=["line", "warehouse"], condition=Q(reverses__isnull=True),
                                    name="inventory_line_posts_once"),
        ]
        indexes = [
            models.Index(fields=["product", "warehouse", "-posted_at", "-id"], name="inventory_move_place"),
            models.Index(fields=["warehouse", "-posted_at", "-id"], name="inventory_move_warehouse"),
            models.Index(fields=["-posted_at", "-id"], name="inventory_move_recent"),
        ]
        triggers = [
            pgtrigger.Protect(name="inventory_ledger_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id}@{self.warehouse_id}: {self.quantity}"


# --- purchasing (INV-02) -------------------------------------------------------------------------


class Supplier(models.Model):
    """A company the goods are bought from, with its contact."""

    code = models.CharField(_("supplier code"), max_length=30, blank=True)
    name = models.CharField(_("supplier name"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    remark = models.TextField(_("remark"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["name"], name="inventory_supplier_name_unique")]

    def __str__(self) -> str:
        return self.name


class PurchaseOrder(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("purchase order status", "Draft")
        ORDERED = "ordered", pgettext_lazy("purchase order status", "Ordered")
        PARTLY_RECEIVED = "partly_received", pgettext_lazy("purchase order status", "Partly received")
        RECEIVED = "received", pgettext_lazy("purchase order status", "Received")
        CANCELLED = "cancelled", pgettext_lazy("purchase order status", "Cancelled")

    number = models.CharField(_("purchase order number"), max_length=40)
    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="purchase_orders")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("receiving warehouse"), on_delete=models.PROTECT,
                                  related_name="purchase_orders")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    ordered_on = models.DateField(_("order date"))
    note = models.TextField(_("note"), blank=True)
    total = money_field(_("total"), default=0)
    owner = models.ForeignKey(USER, verbose_name=_("purchaser"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["number"], name="inventory_purchase_number_unique")]
        indexes = [models.Index(fields=["supplier", "-ordered_on"], name="inventory_po_supplier")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inventory:purchase", args=[self.pk])


class PurchaseLine(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey("products.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="+")
    quantity = money_field(_("quantity"))
    unit_price = money_field(_("unit price"))
    total = money_field(_("line total"))
    received = money_field(_("received"), default=0)

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_po_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="inventory_po_line_price_not_negative"),
            models.CheckConstraint(condition=Q(received__gte=0) & Q(received__lte=models.F("quantity")),
                                   name="inventory_po_line_received_within_quantity"),
        ]
        indexes = [models.Index(fields=["product", "order"], name="inventory_po_line_product")]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position}: {self.product_id}"

    @property
    def remaining(self):
        return self.quantity - self.received
