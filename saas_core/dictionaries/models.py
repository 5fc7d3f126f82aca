"""Data dictionaries (DICT-01): the tenant-editable pick-lists business records choose from.

A *type* is one pick-list (industry, customer source, payment method, ...), identified in code
by its ``key``; its *items* are the values. Items carry both languages in their own fields (they
are data, not UI strings) and a stable ``key`` that code may rely on while the Boss renames,
reorders or disables the value. Business models point at items with
``saas_core.dictionaries.fields.DictionaryForeignKey``.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def in_language(zh: str, en: str) -> str:
    """The Chinese text under a zh-* language, else the English one; each falls back to the other."""
    language = (translation.get_language() or "").lower()
    first, second = (zh, en) if language.startswith("zh") else (en, zh)
    return first or second


def in_other_language(zh: str, en: str) -> str:
    """The text ``in_language`` does not show (empty when only one language is filled in)."""
    shown = in_language(zh, en)
    other = en if shown == zh else zh
    return "" if other == shown else other


class DictionaryType(models.Model):
    """One pick-list. Types are defined by the product (code refers to them by key)."""

    class Group(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        CONTACTS = "contacts", _("Contacts")
        ACTIVITIES = "activities", _("Follow-up and schedule")
        SALES = "sales", _("Sales")
        FINANCE = "finance", _("Payments and expenses")
        SERVICE = "service", _("Service")
        MARKETING = "marketing", _("Marketing")
        PRODUCTS = "products", _("Products, purchasing and inventory")
        GENERAL = "general", _("General")

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices, default=Group.GENERAL)
    order = models.PositiveIntegerField(_("order"), default=0)
    # Extra attributes each item of this type carries in DictionaryItem.extra, e.g.
    # [{"name": "probability", "kind": "int", "min": 0, "max": 100, "label_zh": "赢率(%)",
    #   "label_en": "Probability (%)"}]; kinds: "int" (min, max), "text", "choice"
    # (choices: [[value, label_zh, label_en], ...]). See services.clean_extra.
    extra_fields = models.JSONField(_("extra fields"), default=list, blank=True)

    class Meta:
        verbose_name = _("dictionary")
        verbose_name_plural = _("dictionaries")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_zh, self.name_en)

    @property
    def other_name(self) -> str:
        return in_other_language(self.name_zh, self.name_en)


class DictionaryItem(models.Model):
    """One value of a pick-list."""

    type = models.ForeignKey(DictionaryType, verbose_name=_("dictionary"), on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(_("code"), max_length=64, help_text=_("A stable code; it does not change when the value is renamed."))
    label_zh = models.CharField(_("label (Chinese)"), max_length=100, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("enabled"), default=True)
    is_builtin = models.BooleanField(_("built-in"), default=False, editable=False)
    extra = models.JSONField(_("extra"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("dictionary value")
        verbose_name_plural = _("dictionary values")
        ordering = ["type_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["type", "key"], name="dictionaries_item_unique_key_per_type"),
        ]
        indexes = [models.Index(fields=["type", "order"], name="dictionaries_item_type_order")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language (zh for zh-hans, else en), falling back to the other."""
        return in_language(self.label_zh, self.label_en)

    @property
    def other_label(self) -> str:
        return in_other_language(self.label_zh, self.label_en)
