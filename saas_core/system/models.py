"""The company's system settings (SYS-01): one row per tenant schema."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemSettings(models.Model):
    """Singleton (pk=1): read through ``saas_core.money.places()``, never cached across requests."""

    price_places = models.PositiveSmallIntegerField(
        _("price precision"), default=2, validators=[MinValueValidator(0), MaxValueValidator(6)],
        help_text=_("Decimal places of prices and amounts."))
    quantity_places = models.PositiveSmallIntegerField(
        _("quantity precision"), default=2, validators=[MinValueValidator(0), MaxValueValidator(6)],
        help_text=_("Decimal places of quantities."))

    class Meta:
        verbose_name = _("system settings")
        verbose_name_plural = _("system settings")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="system_settings_singleton")]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
