"""The order API (ORD-01): thin serializers over orders.services.

Lists take the web list's filters (``q``, ``status``, ``shipping_status``, ``owner``, ``customer``,
``contract``, ``ordered_from``, ``ordered_to``, ``mine``) and ``sort``. Every order goes through
the data scope (another company's or an out-of-scope id is a 404). Bad input is a 400 with a
field map; line errors are keyed ``lines.<index>.<field>``. ``POST {id}/confirm/`` and
``{id}/cancel/`` change the status; ``POST {id}/shipments/`` ships some lines
(``{"lines": [{"order_line": id, "quantity": "2"}], ...}``). ``cost_price``, ``cost_total`` and
``gross_margin`` only for roles with the "see cost price" right.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action

from saas_core.contracts.models import Contract
from saas_core.customers.models import Customer
from saas_core.customers.serializers import UserRefField
from saas_core.dictionaries.serializers import DictionaryRelatedField
from saas_core.lines.api import DocumentSerializerMixin, DocumentViewSetMixin, LineSerializer, decimal_field
from saas_core.money import round_quantity
from saas_core.opportunities.models import Opportunity
from saas_core.orders import queries, services
from saas_core.orders.models import Order, Shipment
from saas_core.org.scope import ScopedViewSetMixin
from saas_core.products.access import may_see_cost
from saas_core.products.models import PriceStrategy
from saas_core.quotes.models import Quote


class OrderLineSerializer(LineSerializer):
    id = serializers.IntegerField(read_only=True)
    delivered = decimal_field(read_only=True)

    def to_representation(self, line):
        data = super().to_representation(line)
        data["delivered"] = str(round_quantity(line.delivered))
        return data


class ShipmentLineSerializer(serializers.Serializer):
    order_line = serializers.IntegerField(source="order_line_id")
    product_name = serializers.CharField(source="order_line.product.name", read_only=True)
    quantity = decimal_field()


class ShipmentSerializer(serializers.ModelSerializer):
    method = DictionaryRelatedField("shipping_method", required=False, allow_null=True)
    lines = ShipmentLineSerializer(many=True)

    class Meta:
        model = Shipment
        fields = ["id", "number", "shipped_on", "method", "carrier", "tracking_number", "note", "voided_at", "lines"]
        read_only_fields = ["number", "voided_at"]
        extra_kwargs = {"shipped_on": {"required": False, "help_text": "Today when left out."}}

    def to_representation(self, shipment):
        data = super().to_representation(shipment)
        for row in data["lines"]:
            row["quantity"] = str(round_quantity(row["quantity"]))
        return data


class OrderSerializer(DocumentSerializerMixin, serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    opportunity = serializers.PrimaryKeyRelatedField(queryset=Opportunity.objects.all(), required=False,
                                                     allow_null=True, help_text="One of the customer's.")
    quote = serializers.PrimaryKeyRelatedField(queryset=Quote.objects.all(), required=False, allow_null=True)
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True,
                                                  help_text="One of the customer's.")
    owner = UserRefField(required=False, help_text="You when left out.")
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    strategy = serializers.PrimaryKeyRelatedField(queryset=PriceStrategy.objects.all(), required=False,
                                                  allow_null=True, help_text="The deal price when left out.")
    discount = decimal_field(required=False, default="0", help_text="An amount taken off the lines' total.")
    subtotal = decimal_field(read_only=True)
    total = decimal_field(read_only=True)
    cost_total = decimal_field(read_only=True, help_text="Only with the \"see cost price\" right.")
    gross_margin = decimal_field(source="margin", read_only=True, help_text="Only with the \"see cost price\" right.")
    lines = OrderLineSerializer(many=True)
    shipments = ShipmentSerializer(many=True, read_only=True)
    money_fields = ("subtotal", "discount", "total", "cost_total", "gross_margin")

    class Meta:
        model = Order
        fields = ["id", "number", "customer", "customer_name", "opportunity", "quote", "contract", "owner",
                  "owner_name", "strategy", "status", "shipping_status", "ordered_on", "deliver_by", "receiver",
                  "receiver_phone", "address", "terms", "lines", "subtotal", "discount", "total", "cost_total",
                  "gross_margin", "shipments", "confirmed_at", "created_at", "updated_at"]
        read_only_fields = ["number", "status", "shipping_status", "confirmed_at", "created_at", "updated_at"]
        extra_kwargs = {"ordered_on": {"required": False, "help_text": "Today when left out."}}

    create_service = staticmethod(services.create_order)
    update_service = staticmethod(services.update_order)

    def to_representation(self, order):
        data = super().to_representation(order)
        if not may_see_cost(self.context["request"].user):
            data.pop("cost_total", None)
            data.pop("gross_margin", None)
        return data


LIST_PARAMS = [
    OpenApiParameter("q", str), OpenApiParameter("status", str, enum=list(Order.Status.values)),
    OpenApiParameter("shipping_status", str, enum=list(Order.Shipping.values)),
    OpenApiParameter("owner", int), OpenApiParameter("customer", int), OpenApiParameter("contract", int),
    OpenApiParameter("ordered_from", str), OpenApiParameter("ordered_to", str), OpenApiParameter("mine", bool),
    OpenApiParameter("sort", str, enum=list(queries.SORTS)),
]


@extend_schema(parameters=LIST_PARAMS)
class OrderViewSet(ScopedViewSetMixin, DocumentViewSetMixin, viewsets.ModelViewSet):
    """Orders within your data scope (ORD-01)."""

    queryset = Order.objects.all()
    serializer_class = OrderSerializer
    filter_backends: list = []
    permission_module = "contracts"
    permission_action = {"confirm": "edit", "cancel": "edit", "shipments": "edit"}
    queries = queries

    def get_queryset(self):
        return super().get_queryset().prefetch_related("shipments__lines__order_line__product", "shipments__method")

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        order = self.get_object()
        services.confirm(order, by=request.user)
        return self.fresh(order.pk)

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = self.get_object()
        services.cancel(order, by=request.user)
        return self.fresh(order.pk)

    @extend_schema(request=ShipmentSerializer, responses={201: OrderSerializer})
    @action(detail=True, methods=["post"])
    def shipments(self, request, pk=None):
        order = self.get_object()
        data = ShipmentSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        items = [services.ShipInput(row["order_line_id"], row["quantity"]) for row in fields.pop("lines")]
        services.ship(order, items, by=request.user, **fields)
        return self.fresh(order.pk, status=201)
