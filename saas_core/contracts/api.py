"""The contract API (CTR-01): thin serializers over contracts.services.

Lists take the web list's filters (``q``, ``status``, ``category``, ``owner``, ``customer``,
``ends_from``, ``ends_to``, ``mine``) and ``sort``. Every contract goes through the data scope
(another company's or an out-of-scope id is a 404). Bad input is a 400 with a field map in the
request's language; line errors are keyed ``lines.<index>.<field>``. ``POST {id}/status/`` signs,
completes, terminates or voids; ``{id}/delivery-plans/`` and ``{id}/deliveries/`` add plans and
records. Cost prices only for roles with the "see cost price" right.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action

from saas_core.accounts.models import User
from saas_core.contracts import queries, services
from saas_core.contracts.models import Contract, DeliveryPlan, DeliveryRecord
from saas_core.customers.models import Contact, Customer
from saas_core.customers.serializers import UserRefField
from saas_core.dictionaries.serializers import DictionaryRelatedField
from saas_core.lines.api import DocumentSerializerMixin, DocumentViewSetMixin, LineSerializer, decimal_field
from saas_core.opportunities.models import Opportunity
from saas_core.org.scope import ScopedViewSetMixin
from saas_core.products.models import PriceStrategy
from saas_core.quotes.models import Quote


class ContractLineSerializer(LineSerializer):
    pass


class ContractSerializer(DocumentSerializerMixin, serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    category = DictionaryRelatedField("contract_category", required=False, allow_null=True)
    opportunity = serializers.PrimaryKeyRelatedField(queryset=Opportunity.objects.all(), required=False,
                                                     allow_null=True, help_text="One of the customer's.")
    quote = serializers.PrimaryKeyRelatedField(queryset=Quote.objects.all(), required=False, allow_null=True)
    owner = UserRefField(required=False, help_text="You when left out.")
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    customer_signer = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), required=False,
                                                         allow_null=True, help_text="One of the customer's contacts.")
    our_signer = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                                    allow_null=True)
    strategy = serializers.PrimaryKeyRelatedField(queryset=PriceStrategy.objects.all(), required=False,
                                                  allow_null=True, help_text="The deal price when left out.")
    discount = decimal_field(required=False, default="0", help_text="An amount taken off the lines' total.")
    subtotal = decimal_field(read_only=True)
    total = decimal_field(read_only=True)
    lines = ContractLineSerializer(many=True)

    class Meta:
        model = Contract
        fields = ["id", "number", "title", "category", "customer", "customer_name", "opportunity", "quote", "owner",
                  "owner_name", "strategy", "status", "signed_on", "start_on", "end_on", "customer_signer",
                  "our_signer", "renewal_days", "terms", "lines", "subtotal", "discount", "total", "created_at",
                  "updated_at"]
        read_only_fields = ["number", "status", "created_at", "updated_at"]
        extra_kwargs = {"start_on": {"required": False, "help_text": "Today when left out."},
                        "end_on": {"required": False, "help_text": "One year after the start when left out."},
                        "renewal_days": {"required": False}}

    create_service = staticmethod(services.create_contract)
    update_service = staticmethod(services.update_contract)


class ContractStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Contract.Status.IN_PROGRESS, Contract.Status.COMPLETED,
                                              Contract.Status.TERMINATED, Contract.Status.VOID])


class DeliveryPlanSerializer(serializers.ModelSerializer):
    amount = decimal_field(required=False, default="0")

    class Meta:
        model = DeliveryPlan
        fields = ["id", "planned_on", "content", "amount"]


class DeliveryRecordSerializer(serializers.ModelSerializer):
    amount = decimal_field(required=False, default="0")
    plan = serializers.PrimaryKeyRelatedField(queryset=DeliveryPlan.objects.all(), required=False, allow_null=True)

    class Meta:
        model = DeliveryRecord
        fields = ["id", "delivered_on", "content", "amount", "plan", "note"]


LIST_PARAMS = [
    OpenApiParameter("q", str), OpenApiParameter("status", str, enum=list(Contract.Status.values)),
    OpenApiParameter("category", int), OpenApiParameter("owner", int), OpenApiParameter("customer", int),
    OpenApiParameter("ends_from", str), OpenApiParameter("ends_to", str), OpenApiParameter("mine", bool),
    OpenApiParameter("sort", str, enum=list(queries.SORTS)),
]


@extend_schema(parameters=LIST_PARAMS)
class ContractViewSet(ScopedViewSetMixin, DocumentViewSetMixin, viewsets.ModelViewSet):
    """Contracts within your data scope (CTR-01)."""

    queryset = Contract.objects.all()
    serializer_class = ContractSerializer
    filter_backends: list = []
    permission_module = "contracts"
    permission_action = {"status": "edit", "delivery_plans": "edit", "deliveries": "edit"}
    queries = queries
    related = ("customer", "owner", "category")

    @extend_schema(request=ContractStatusSerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        contract = self.get_object()
        data = ContractStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_status(contract, data.validated_data["status"], by=request.user)
        return self.fresh(contract.pk)

    def _add(self, request, serializer_class, service):
        contract = self.get_object()
        data = serializer_class(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        service(contract, by=request.user, **data.validated_data)
        return self.fresh(contract.pk, status=201)

    @extend_schema(request=DeliveryPlanSerializer, responses={201: ContractSerializer})
    @action(detail=True, methods=["post"], url_path="delivery-plans")
    def delivery_plans(self, request, pk=None):
        return self._add(request, DeliveryPlanSerializer, services.add_delivery_plan)

    @extend_schema(request=DeliveryRecordSerializer, responses={201: ContractSerializer})
    @action(detail=True, methods=["post"])
    def deliveries(self, request, pk=None):
        return self._add(request, DeliveryRecordSerializer, services.record_delivery)
