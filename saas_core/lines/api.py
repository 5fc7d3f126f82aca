"""API pieces every document with lines shares (quotes, contracts, orders): the line serializer
(amounts as decimal strings at the company's precision; ``cost_price`` only for roles with the
"see cost price" right) and the document serializer's money fields and save through the service."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework import serializers

from saas_core.lines.services import LineInput
from saas_core.money import DECIMAL_PLACES, MAX_DIGITS, round_price, round_quantity
from saas_core.products.access import may_see_cost
from saas_core.products.models import Product


def decimal_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, coerce_to_string=True,
                                    **kwargs)


class LineSerializer(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    product_name = serializers.CharField(source="product.name", read_only=True)
    product_code = serializers.CharField(source="product.code", read_only=True)
    unit = serializers.CharField(source="product.unit", read_only=True)
    quantity = decimal_field(help_text="More than zero, at most the company's quantity places.")
    unit_price = decimal_field(required=False, allow_null=True,
                               help_text="The document's price strategy's price when left out; not negative.")
    discount_percent = decimal_field(required=False, default="0", help_text="0 to 100.")
    total = decimal_field(read_only=True)
    cost_price = serializers.SerializerMethodField(
        help_text="Only for roles with the \"see cost price\" right (absent otherwise).")

    def get_cost_price(self, line) -> str | None:
        cost = getattr(line, "unit_cost", None)
        cost = line.product.cost_price if cost is None else cost
        return None if cost is None else str(round_price(cost))

    def to_representation(self, line):
        data = super().to_representation(line)
        if not may_see_cost(self.context["request"].user):
            data.pop("cost_price", None)
        data["quantity"] = str(round_quantity(line.quantity))
        data["unit_price"] = str(round_price(line.unit_price))
        data["discount_percent"] = format(line.discount_percent.normalize(), "f")
        data["total"] = str(round_price(line.total))
        return data


class DocumentSerializerMixin:
    """For a ModelSerializer of a document with ``lines`` and ``discount``: saves through
    ``create_service(by=, lines=, discount=, **fields)`` / ``update_service(doc, by=, ...)``; an
    update without ``lines`` keeps the stored ones."""

    money_fields = ("subtotal", "discount", "total")
    create_service: Callable
    update_service: Callable

    def to_representation(self, document):
        data = super().to_representation(document)
        for key in self.money_fields:
            value = getattr(document, self.fields[key].source or key)
            data[key] = None if value is None else str(round_price(value))
        return data

    def _split(self, validated: dict) -> tuple[list, object, dict]:
        lines = [LineInput(ln["product"], ln["quantity"], ln.get("unit_price"), ln.get("discount_percent"))
                 for ln in validated.pop("lines", [])]
        discount = validated.pop("discount", 0)
        return lines, discount, validated

    def create(self, validated_data):
        lines, discount, fields = self._split(validated_data)
        return type(self).create_service(by=self.context["request"].user, lines=lines, discount=discount, **fields)

    def update(self, instance, validated_data):
        if "lines" not in validated_data:
            validated_data["lines"] = [{"product": ln.product, "quantity": ln.quantity, "unit_price": ln.unit_price,
                                        "discount_percent": ln.discount_percent} for ln in instance.lines.all()]
        validated_data.setdefault("discount", instance.discount)
        lines, discount, fields = self._split(validated_data)
        return type(self).update_service(instance, by=self.context["request"].user, lines=lines, discount=discount,
                                         **fields)


class DocumentViewSetMixin:
    """For a document's ModelViewSet (after ScopedViewSetMixin): the list takes the web list's
    filters and ``sort`` from ``queries`` (read_filters, apply_filters, SORTS, DEFAULT_SORT), a
    bad filter is a 400 with a field map; a delete goes to the recycle bin."""

    queries = None  # the app's queries module
    related = ("customer", "owner")
    prefetch: tuple[str, ...] = ("lines__product",)

    def get_queryset(self):
        from rest_framework.exceptions import ValidationError

        queryset = super().get_queryset().select_related(*self.related).prefetch_related(*self.prefetch)
        if self.action != "list":
            return queryset
        queries = self.queries
        form, filters = queries.read_filters(self.request.query_params, self.request.user)
        if form.errors:
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        sort = self.request.query_params.get("sort")
        return queries.apply_filters(queryset, filters, self.request.user).order_by(
            *queries.SORTS.get(sort or "", queries.SORTS[queries.DEFAULT_SORT]))

    def perform_destroy(self, instance):
        from saas_core.records import bin as recycle_bin

        recycle_bin.trash(instance, by=self.request.user)

    def fresh(self, pk: int, status: int = 200):
        """The document as it is now (after an action), in the viewset's serializer."""
        from rest_framework.response import Response

        data = self.get_serializer_class()(self.get_queryset().get(pk=pk), context=self.get_serializer_context()).data
        return Response(data, status=status)
