"""Serializers of the product API (thin: rules live in products.services; the cost price only
reaches roles with the "see cost price" right, see ``ProductSerializer.get_fields``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from saas_core.products import services
from saas_core.products.access import may_see_cost
from saas_core.products.models import Category, PriceChange, PriceStrategy, Product


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Category
        fields = ["id", "name", "parent", "position"]
        read_only_fields = ["position"]
        validators: list = []  # names unique among siblings: products.services says so by field


class CategoryMoveSerializer(serializers.Serializer):
    parent = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), allow_null=True)
    position = serializers.IntegerField(min_value=0, max_value=100000)


class PriceStrategySerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    builtin = serializers.BooleanField(read_only=True)

    class Meta:
        model = PriceStrategy
        fields = ["id", "key", "name", "label", "builtin", "position"]
        read_only_fields = ["key", "position"]


@extend_schema_field({
    "type": "object", "additionalProperties": {"type": "string", "nullable": True, "example": "12.50"},
    "description": "Price per strategy key (quote, deal, vip, wholesale, …) as a decimal string; "
                   "an empty string or null removes that price.",
})
class PricesField(serializers.DictField):
    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(allow_blank=True, allow_null=True, max_length=40), **kwargs)


class ProductSerializer(serializers.ModelSerializer):
    """A product; ``cost_price`` is a field only for roles with the right (absent otherwise)."""

    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    category_path = serializers.SerializerMethodField()
    # Written here, read through to_representation (``Product.prices`` is the related rows).
    prices = PricesField(required=False, write_only=True)
    cost_price = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=40,
        help_text="Present only for roles with the “see cost price” right.")

    class Meta:
        model = Product
        fields = [
            "id", "code", "name", "spec", "unit", "barcode", "category", "category_path", "prices", "cost_price",
            "discontinued", "needs_cost_review", "remark", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Checked by products.services with everything else, so that all problems come back at once.
        extra_kwargs = {"code": {"required": False, "allow_blank": True}, "name": {"required": False, "allow_blank": True}}
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        if getattr(self.context.get("view"), "swagger_fake_view", False):
            return fields  # the published schema documents it (present only for roles with the right)
        request = self.context.get("request")
        if request is None or not may_see_cost(request.user):
            fields.pop("cost_price")
        return fields

    def get_category_path(self, obj) -> str:
        return services.category_path(obj.category)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        prices = self.context.get("prices")
        mine = prices.get(instance.pk) if prices is not None else None
        if mine is None:
            mine = services.price_map([instance])[instance.pk]
        data["prices"] = {key: str(value) for key, value in mine.items()}
        if "cost_price" in data:
            shown = services.shown_price(instance.cost_price)
            data["cost_price"] = None if shown is None else str(shown)
        return data


class PriceChangeSerializer(serializers.ModelSerializer):
    strategy = serializers.SerializerMethodField()
    old_price = serializers.SerializerMethodField()
    new_price = serializers.SerializerMethodField()
    changed_by = serializers.StringRelatedField()

    class Meta:
        model = PriceChange
        fields = ["id", "strategy", "old_price", "new_price", "changed_by", "changed_at"]

    def get_strategy(self, obj) -> str | None:
        """The strategy key; null for a cost-price change (listed only to roles with the right)."""
        return obj.strategy.key if obj.strategy else None

    def get_old_price(self, obj) -> str | None:
        value = services.shown_price(obj.old_price)
        return None if value is None else str(value)

    def get_new_price(self, obj) -> str | None:
        value = services.shown_price(obj.new_price)
        return None if value is None else str(value)
