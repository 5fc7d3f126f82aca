"""The quote API (QUO-01): thin serializers over quotes.services.

Lists take the web list's filters (``q``, ``status``, ``owner``, ``customer``, ``opportunity``,
``quoted_from``, ``quoted_to``, ``mine``) and ``sort``. Every quote goes through the data scope
(another company's or an out-of-scope id is a 404). Bad input is a 400 with a field map in the
request's language; line errors are keyed ``lines.<index>.<field>``. Amounts are decimal strings
at the company's precision. A line's ``cost_price`` is present only for roles with the "see cost
price" right.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from saas_core.customers.models import Customer
from saas_core.customers.serializers import UserRefField
from saas_core.money import DECIMAL_PLACES, MAX_DIGITS, round_price, round_quantity
from saas_core.opportunities.models import Opportunity
from saas_core.org.scope import ScopedViewSetMixin
from saas_core.products.access import may_see_cost
from saas_core.products.models import PriceStrategy, Product
from saas_core.quotes import queries, services
from saas_core.quotes.models import Quote
from saas_core.records import bin as recycle_bin


def _decimal(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, coerce_to_string=True,
                                    **kwargs)


class QuoteLineSerializer(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    product_name = serializers.CharField(source="product.name", read_only=True)
    product_code = serializers.CharField(source="product.code", read_only=True)
    unit = serializers.CharField(source="product.unit", read_only=True)
    quantity = _decimal(help_text="More than zero, at most the company's quantity places.")
    unit_price = _decimal(required=False, allow_null=True,
                          help_text="The quote's price strategy's price when left out; not negative.")
    discount_percent = _decimal(required=False, default="0", help_text="0 to 100.")
    total = _decimal(read_only=True)
    cost_price = serializers.SerializerMethodField(
        help_text="Only for roles with the \"see cost price\" right (absent otherwise).")

    def get_cost_price(self, line) -> str | None:
        cost = line.product.cost_price
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


@extend_schema_serializer(component_name="SalesQuote")  # billing has its own "Quote" (a plan change)
class QuoteSerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    opportunity = serializers.PrimaryKeyRelatedField(queryset=Opportunity.objects.all(), required=False,
                                                     allow_null=True, help_text="One of the customer's.")
    owner = UserRefField(required=False, help_text="You when left out.")
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    strategy = serializers.PrimaryKeyRelatedField(queryset=PriceStrategy.objects.all(), required=False,
                                                  allow_null=True, help_text="The quote price when left out.")
    discount = _decimal(required=False, default="0", help_text="An amount taken off the lines' total.")
    subtotal = _decimal(read_only=True)
    total = _decimal(read_only=True)
    lines = QuoteLineSerializer(many=True)

    class Meta:
        model = Quote
        fields = ["id", "number", "subject", "customer", "customer_name", "opportunity", "owner", "owner_name",
                  "strategy", "status", "quoted_on", "valid_until", "terms", "lines", "subtotal", "discount", "total",
                  "created_at", "updated_at"]
        read_only_fields = ["number", "status", "created_at", "updated_at"]
        extra_kwargs = {"quoted_on": {"required": False, "help_text": "Today when left out."},
                        "valid_until": {"required": False, "help_text": "30 days after the quote date when left out."}}

    def to_representation(self, quote):
        data = super().to_representation(quote)
        for key in ("subtotal", "discount", "total"):
            data[key] = str(round_price(getattr(quote, key)))
        return data

    def _split(self, validated: dict) -> tuple[list, object, dict]:
        lines = [services.LineInput(ln["product"], ln["quantity"], ln.get("unit_price"), ln.get("discount_percent"))
                 for ln in validated.pop("lines", [])]
        discount = validated.pop("discount", 0)
        return lines, discount, validated

    def create(self, validated_data):
        lines, discount, fields = self._split(validated_data)
        return services.create_quote(by=self.context["request"].user, lines=lines, discount=discount, **fields)

    def update(self, instance, validated_data):
        if "lines" not in validated_data:
            validated_data["lines"] = [{"product": ln.product, "quantity": ln.quantity, "unit_price": ln.unit_price,
                                        "discount_percent": ln.discount_percent} for ln in instance.lines.all()]
        validated_data.setdefault("discount", instance.discount)
        lines, discount, fields = self._split(validated_data)
        return services.update_quote(instance, by=self.context["request"].user, lines=lines, discount=discount,
                                     **fields)


class QuoteStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Quote.Status.SENT, Quote.Status.ACCEPTED, Quote.Status.REJECTED,
                                              Quote.Status.DRAFT])


LIST_PARAMS = [
    OpenApiParameter("q", str), OpenApiParameter("status", str, enum=list(Quote.Status.values)),
    OpenApiParameter("owner", int), OpenApiParameter("customer", int), OpenApiParameter("opportunity", int),
    OpenApiParameter("quoted_from", str), OpenApiParameter("quoted_to", str), OpenApiParameter("mine", bool),
    OpenApiParameter("sort", str, enum=list(queries.SORTS)),
]


@extend_schema(parameters=LIST_PARAMS)
class QuoteViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Quotes within your data scope (QUO-01); ``POST {id}/status/`` moves one along, ``POST {id}/copy/``
    makes a new draft of it."""

    queryset = Quote.objects.all()
    serializer_class = QuoteSerializer
    filter_backends: list = []
    permission_module = "quotes"
    permission_action = {"status": "edit", "copy": "create"}

    def get_queryset(self):
        queryset = super().get_queryset().select_related("customer", "owner").prefetch_related("lines__product")
        if self.action != "list":
            return queryset
        form, filters = queries.read_filters(self.request.query_params, self.request.user)
        if form.errors:
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        sort = self.request.query_params.get("sort")
        return queries.apply_filters(queryset, filters, self.request.user).order_by(
            *queries.SORTS.get(sort or "", queries.SORTS[queries.DEFAULT_SORT]))

    def perform_destroy(self, instance):
        recycle_bin.trash(instance, by=self.request.user)

    def _fresh(self, pk: int) -> Response:
        return Response(QuoteSerializer(self.get_queryset().get(pk=pk), context=self.get_serializer_context()).data)

    @extend_schema(request=QuoteStatusSerializer, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        quote = self.get_object()
        data = QuoteStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_status(quote, data.validated_data["status"], by=request.user)
        return self._fresh(quote.pk)

    @extend_schema(request=None, responses={201: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        copy = services.copy_quote(self.get_object(), by=request.user)
        response = self._fresh(copy.pk)
        response.status_code = 201
        return response
