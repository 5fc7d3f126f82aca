"""How business models, forms and serializers refer to dictionary values.

A business model declares::

    from saas_core.dictionaries.fields import DictionaryForeignKey

    class Customer(BusinessRecord):
        industry = DictionaryForeignKey("industry", _("industry"))
        source = DictionaryForeignKey("customer_source", _("source"))

- a ForeignKey to ``DictionaryItem``, ``on_delete=PROTECT``, ``null=True, blank=True`` by default;
- ``limit_choices_to`` is the type and ``is_active``: forms, the admin and DRF's default
  relation fields offer (and accept) the enabled values of that pick-list only;
- a value the Boss disabled *after* a record chose it stays valid on that record: model
  validation (``full_clean``) accepts an unchanged value, ``DictionaryFormMixin`` keeps it
  selectable in a ModelForm, and ``serializers.DictionaryRelatedField`` in the API. New
  choices of a disabled value are refused everywhere;
- the reverse relation is named ``<app>_<model>_<field>`` (two dictionary fields on one model
  never clash) and is *not* hidden, so ``services.usage`` finds it without further declaration
  and a value in use cannot be deleted.
"""

from __future__ import annotations

from django import forms
from django.core import exceptions
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ITEM_MODEL = "dictionaries.DictionaryItem"


class DictionaryForeignKey(models.ForeignKey):
    """``DictionaryForeignKey(type_key, verbose_name=..., **kwargs)``: a value of one pick-list."""

    def __init__(self, type_key: str, verbose_name=None, **kwargs):
        kwargs.pop("to", None)
        kwargs.pop("limit_choices_to", None)
        kwargs.setdefault("on_delete", models.PROTECT)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        self.type_key = type_key
        self._auto_related_name = kwargs.get("related_name") is None
        super().__init__(
            ITEM_MODEL, verbose_name=verbose_name, limit_choices_to=Q(type__key=type_key, is_active=True), **kwargs
        )

    def contribute_to_class(self, cls, name, private_only=False, **kwargs):
        if self.remote_field.related_name is None:
            self._auto_related_name = True
            self.remote_field.related_name = "%(app_label)s_%(class)s_" + name
        super().contribute_to_class(cls, name, private_only=private_only, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("to", None)
        kwargs.pop("limit_choices_to", None)  # derived from type_key
        if self._auto_related_name:
            kwargs.pop("related_name", None)
        if kwargs.get("on_delete") is models.PROTECT:
            kwargs.pop("on_delete")
        for flag in ("null", "blank"):  # both default to True here
            if kwargs.pop(flag, False) is False:
                kwargs[flag] = False
        return name, path, [self.type_key, *args], kwargs

    def validate(self, value, model_instance):
        try:
            super().validate(value, model_instance)
        except exceptions.ValidationError:
            if not self._is_kept_value(value, model_instance):
                raise

    def _is_kept_value(self, value, instance) -> bool:
        """True when ``instance`` already stores ``value`` (a value of this type, since disabled)."""
        if value is None or instance is None or instance._state.adding or instance.pk is None:
            return False
        stored = type(instance)._base_manager.filter(pk=instance.pk).values_list(self.attname, flat=True).first()
        if stored != value:
            return False
        return self.remote_field.model._base_manager.filter(pk=value, type__key=self.type_key).exists()

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", DictionaryChoiceField)
        if isinstance(kwargs["form_class"], type) and issubclass(kwargs["form_class"], DictionaryChoiceField):
            kwargs.setdefault("type_key", self.type_key)
        return super().formfield(**kwargs)


class DictionaryChoiceField(forms.ModelChoiceField):
    """A select of one pick-list's enabled values, labelled in the active language."""

    def __init__(self, *args, type_key: str | None = None, **kwargs):
        self.type_key = type_key
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        if not obj.is_active:
            return _("%(label)s (disabled)") % {"label": obj.label}
        return obj.label

    def keep(self, item_id) -> None:
        """Also accept ``item_id`` (the record's current value) even if it has been disabled."""
        from saas_core.dictionaries.models import DictionaryItem

        if item_id is None or self.type_key is None:
            return
        self.queryset = DictionaryItem.objects.filter(
            Q(type__key=self.type_key, is_active=True) | Q(type__key=self.type_key, pk=item_id)
        )


class DictionaryFormMixin:
    """ModelForm mixin: a record keeps its disabled dictionary values selectable when edited."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or instance._state.adding:
            return
        for name, field in self.fields.items():
            if isinstance(field, DictionaryChoiceField):
                try:
                    model_field = instance._meta.get_field(name)
                except exceptions.FieldDoesNotExist:
                    continue
                field.keep(getattr(instance, model_field.attname, None))
