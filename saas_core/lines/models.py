"""The abstract product line of a sales document (no table of its own).

A concrete line adds the foreign key to its document and, in its Meta, ``line_checks(prefix)``
so the database refuses what the services refuse (quantity ≤ 0, negative price, discount
outside 0–100) whoever writes the row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saas_core.money import DECIMAL_PLACES, MAX_DIGITS


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """A money or quantity column: 18 digits, 6 places (every company precision fits)."""
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)


def line_checks(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(condition=Q(quantity__gt=0), name=f"{prefix}_quantity_positive"),
        models.CheckConstraint(condition=Q(unit_price__gte=0), name=f"{prefix}_price_not_negative"),
        models.CheckConstraint(condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                               name=f"{prefix}_discount_0_100"),
    ]


class ProductLine(models.Model):
    """position, product, quantity, unit price, discount % and the stored (rounded) line total."""

    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey("products.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="%(app_label)s_lines")
    quantity = money_field(_("quantity"))
    unit_price = money_field(_("unit price"))
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=9, decimal_places=4, default=0)
    total = money_field(_("line total"))

    class Meta:
        abstract = True
        ordering = ["position", "id"]


def document_indexes(prefix: str) -> list[models.Index]:
    """The list's default order (newest first) overall and per owner, over live documents."""
    live = Q(deleted_at__isnull=True)
    return [
        models.Index(fields=["-created_at", "-id"], name=f"{prefix}_recent", condition=live),
        models.Index(fields=["owner", "-created_at", "-id"], name=f"{prefix}_owner_recent", condition=live),
    ]
