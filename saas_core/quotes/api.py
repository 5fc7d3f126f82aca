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

from saas_core.customers.models import Customer
from saas_core.customers.serializers import UserRefField
from saas_core.lines.api import DocumentSerializerMixin, DocumentViewSetMixin, LineSerializer, decimal_field
from saas_core.opportunities.models import Opportunity
from saas_core.org.scope import ScopedViewSetMixin
from saas_core.products.models import PriceStrategy
from saas_core.quotes import queries, services
from saas_core.quotes.models import Quote


class QuoteLineSerializer(LineSerializer):
    pass


@extend_schema_serializer(component_name="SalesQuote")  # billing has its own "Quote" (a plan change)
class QuoteSerializer(DocumentSerializerMixin, serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    opportunity = serializers.PrimaryKeyRelatedField(queryset=Opportunity.objects.all(), required=False,
                                                     allow_null=True, help_text="One of the customer's.")
    owner = UserRefField(required=False, help_text="You when left out.")
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    strategy = serializers.PrimaryKeyRelatedField(queryset=PriceStrategy.objects.all(), required=False,
                                                  allow_null=True, help_text="The quote price when left out.")
    discount = decimal_field(required=False, default="0", help_text="An amount taken off the lines' total.")
    subtotal = decimal_field(read_only=True)
    total = decimal_field(read_only=True)
    lines = QuoteLineSerializer(many=True)

    class Meta:
        model = Quote
        fields = ["id", "number", "subject", "customer", "customer_name", "opportunity", "owner", "owner_name",
                  "strategy", "status", "quoted_on", "valid_until", "terms", "lines", "subtotal", "discount", "total",
                  "created_at", "updated_at"]
        read_only_fields = ["number", "status", "created_at", "updated_at"]
        extra_kwargs = {"quoted_on": {"required": False, "help_text": "Today when left out."},
                        "valid_until": {"required": False, "help_text": "30 days after the quote date when left out."}}

    create_service = staticmethod(services.create_quote)
    update_service = staticmethod(services.update_quote)


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
class QuoteViewSet(ScopedViewSetMixin, DocumentViewSetMixin, viewsets.ModelViewSet):
    """Quotes within your data scope (QUO-01); ``POST {id}/status/`` moves one along, ``POST {id}/copy/``
    makes a new draft of it."""

    queryset = Quote.objects.all()
    serializer_class = QuoteSerializer
    filter_backends: list = []
    permission_module = "quotes"
    permission_action = {"status": "edit", "copy": "create"}

    queries = queries

    @extend_schema(request=QuoteStatusSerializer, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        quote = self.get_object()
        data = QuoteStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_status(quote, data.validated_data["status"], by=request.user)
        return self.fresh(quote.pk)

    @extend_schema(request=None, responses={201: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        copy = services.copy_quote(self.get_object(), by=request.user)
        return self.fresh(copy.pk, status=201)
