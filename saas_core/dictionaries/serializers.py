"""Serializers of the dictionary API, and the relation field business serializers use."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from saas_core.dictionaries import services
from saas_core.dictionaries.models import DictionaryItem, DictionaryType


class DictionaryTypeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    group_label = serializers.CharField(source="get_group_display", read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    active_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = DictionaryType
        fields = [
            "key", "name", "name_zh", "name_en", "description", "group", "group_label", "order", "extra_fields",
            "item_count", "active_count",
        ]
        read_only_fields = fields


class DictionaryItemSerializer(serializers.ModelSerializer):
    type = serializers.SlugRelatedField(slug_field="key", read_only=True)
    label = serializers.CharField(read_only=True)
    key = serializers.CharField(
        required=False, allow_blank=True, max_length=64,
        help_text=_("A stable code; made from the English label when not given; cannot be changed."),
    )
    extra = serializers.JSONField(required=False)

    class Meta:
        model = DictionaryItem
        fields = [
            "id", "type", "key", "label", "label_zh", "label_en", "order", "is_active", "is_builtin", "extra",
            "created_at", "updated_at",
        ]
        read_only_fields = ["id", "order", "is_builtin", "created_at", "updated_at"]

    def get_validators(self):
        return []  # uniqueness and the other rules are checked by dictionaries.services

    def validate_key(self, value):
        if self.instance is not None and value and value != self.instance.key:
            raise serializers.ValidationError(_("The code of a value cannot be changed."))
        return value

    def create(self, validated_data):
        return services.add_item(self.context["dictionary_type"], **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("key", None)
        return services.update_item(instance, **validated_data)


class ReorderSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class UsageSerializer(serializers.Serializer):
    model = serializers.CharField(source="model._meta.label_lower")
    name = serializers.CharField()
    count = serializers.IntegerField()
    in_bin = serializers.IntegerField()


class DictionaryRelatedField(serializers.PrimaryKeyRelatedField):
    """For business serializers: ``industry = DictionaryRelatedField("industry", required=False)``.

    Accepts the id of an enabled value of the pick-list, or the record's current value even
    if it has been disabled since; refuses values of other lists.
    """

    default_error_messages = {
        "does_not_exist": _("{pk_value} is not a value of this list."),
        "disabled": _("“{label}” has been disabled; choose another value."),
    }

    def __init__(self, type_key: str, **kwargs):
        self.type_key = type_key
        kwargs.setdefault("queryset", DictionaryItem.objects.filter(type__key=type_key))
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        item = super().to_internal_value(data)
        if not item.is_active:
            instance = getattr(self.parent, "instance", None)
            current = getattr(instance, f"{self.source}_id", None) if instance is not None else None
            if current != item.pk:
                self.fail("disabled", label=item.label)
        return item
