"""The product catalogue (PRD-01): categories, price strategies, products, their prices and history."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.customers.models import SearchKeysMixin
from saas_core.money import DECIMAL_PLACES, MAX_DIGITS
from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record

SEARCH_FIELDS = ("search_tokens", "search_initials", "search_spelled")


class Category(models.Model):
    """A node of the category tree; siblings are ordered by ``position`` (drag to reorder)."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], nulls_distinct=False, name="category_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name


# The strategies every company starts with; their names are translated until the Boss renames them.
BUILTIN_STRATEGIES: dict[str, object] = {
    "quote": pgettext_lazy("price strategy", "Quote price"),
    "deal": pgettext_lazy("price strategy", "Deal price"),
    "vip": pgettext_lazy("price strategy", "VIP price"),
    "wholesale": pgettext_lazy("price strategy", "Wholesale price"),
}


class PriceStrategy(models.Model):
    """A named price list (报价, 成交, VIP, 批发, and any the Boss adds): one price per product."""

    key = models.SlugField(_("key"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("price strategy")
        verbose_name_plural = _("price strategies")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def builtin(self) -> bool:
        return self.key in BUILTIN_STRATEGIES

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return str(BUILTIN_STRATEGIES.get(self.key, self.key))


def _money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)


@business_record(
    module="products", label_field="name",
    # The data log is readable by every role that sees the product: the cost price is kept out of
    # it and recorded in PriceChange, which only roles with the right are shown.
    history_exclude=(*SEARCH_FIELDS, "cost_price"),
)
class Product(SearchKeysMixin, BusinessRecord):
    """A catalogue entry; company-wide (no owner, so no data scope: every role with the module sees it)."""

    code = models.CharField(_("product code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    spec = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    barcode = models.CharField(_("barcode"), max_length=64, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL, related_name="products",
    )
    cost_price = _money_field(_("cost price"), null=True, blank=True)
    discontinued = models.BooleanField(_("discontinued"), default=False)
    needs_cost_review = models.BooleanField(_("needs cost review"), default=False)
    remark = models.TextField(_("remark"), blank=True)
    attachments = GenericRelation(
        "attachments.Attachment", content_type_field="parent_type", object_id_field="parent_id",
        related_query_name="product",
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(deleted_at__isnull=True), name="product_code_unique"),
        ]
        indexes = [
            GinIndex(fields=["search_tokens"], name="product_search_gin"),
            models.Index(fields=["code"], name="product_code_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["barcode"], name="product_barcode", condition=~Q(barcode="")),
            models.Index(fields=["category", "code"], name="product_category_code",
                         condition=Q(deleted_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.name


class ProductPrice(models.Model):
    """A product's price in one strategy."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    strategy = models.ForeignKey(PriceStrategy, on_delete=models.CASCADE, related_name="prices")
    price = _money_field(_("price"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "strategy"], name="one_price_per_strategy")]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.strategy_id}: {self.price}"


class PriceChange(models.Model):
    """One change of a price (``strategy``) or of the cost price (no strategy): the price history."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_changes")
    strategy = models.ForeignKey(PriceStrategy, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    old_price = _money_field(_("old price"), null=True, blank=True)
    new_price = _money_field(_("new price"), null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["product", "-changed_at", "-id"], name="price_change_by_product")]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.old_price} → {self.new_price}"

    @property
    def is_cost(self) -> bool:
        return self.strategy_id is None
