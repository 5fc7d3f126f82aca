"""The receivables API (PAY-01): thin serializers over payments.services.

``/api/v1/payment-plans/``, ``/api/v1/payment-records/`` and ``/api/v1/invoices/`` list (the web
lists' filters: ``q``, ``status``, ``owner``, ``customer``, ``date_from``, ``date_to``, ``mine``,
``kind`` for invoices, and ``sort``), read and create; a create names ``contract`` or ``order``.
Everything goes through the data scope (another company's or an out-of-scope id is a 404, also as
a contract, order, plan or record named in a body). Bad input is a 400 with a field map in the
request's language: over the total, negative amounts, dates out of order. ``POST
payment-plans/{id}/void/`` voids an installment; ``POST payment-records/{id}/plan/`` makes a plan
for what of a payment no plan holds. A delete goes to the recycle bin.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.response import Response

from saas_core.contracts.models import Contract
from saas_core.dictionaries.serializers import DictionaryRelatedField
from saas_core.lines.api import decimal_field
from saas_core.money import round_price
from saas_core.orders.models import Order
from saas_core.org.scope import ScopedViewSetMixin, can_see
from saas_core.payments import queries, services
from saas_core.payments.models import Invoice, PaymentPlan, PaymentRecord

PARENT_FIELDS = ["contract", "order", "contract_number", "order_number", "customer", "customer_name", "owner"]


class _ParentSerializer(serializers.ModelSerializer):
    contract = serializers.IntegerField(source="contract_id", required=False, allow_null=True,
                                        help_text="The contract (or give order).")
    order = serializers.IntegerField(source="order_id", required=False, allow_null=True,
                                     help_text="The order (or give contract).")
    contract_number = serializers.CharField(source="contract.number", read_only=True, default=None)
    order_number = serializers.CharField(source="order.number", read_only=True, default=None)
    customer = serializers.IntegerField(source="customer_id", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    owner = serializers.IntegerField(source="owner_id", read_only=True)
    amount = decimal_field(help_text="More than zero.")

    def to_representation(self, obj):
        data = super().to_representation(obj)
        for key in ("amount", "received"):
            if key in data:
                data[key] = str(round_price(getattr(obj, key)))
        return data

    def document(self, validated: dict):
        """The contract or order the body names, visible to the user (else a 404)."""
        user = self.context["request"].user
        contract_id, order_id = validated.pop("contract_id", None), validated.pop("order_id", None)
        if bool(contract_id) == bool(order_id):
            raise BadRequest({"contract": ["Give either a contract or an order."]})
        model, pk = (Contract, contract_id) if contract_id else (Order, order_id)
        found = model.objects.filter(pk=pk).first()
        if found is None or not can_see(user, found):
            raise NotFound
        return found


class PlanSerializer(_ParentSerializer):
    method = DictionaryRelatedField("payment_method", required=False, allow_null=True)
    received = decimal_field(read_only=True)
    status = serializers.SerializerMethodField()
    override_reason = serializers.CharField(required=False, allow_blank=True,
                                            help_text="Only with the right to exceed receivable totals.")

    class Meta:
        model = PaymentPlan
        fields = ["id", *PARENT_FIELDS, "installment", "due_on", "amount", "received", "status", "method",
                  "remind_days", "note", "override_reason", "created_at"]
        extra_kwargs = {"installment": {"required": False, "help_text": "The next one when left out."},
                        "remind_days": {"required": False}}
        validators: list = []  # every rule is the service's, checked under the document's lock

    def get_status(self, plan) -> str:
        value = getattr(plan, "status", None)
        return value or services.with_status(PaymentPlan.objects.filter(pk=plan.pk)).values_list(
            "status", flat=True).first()

    def create(self, validated):
        parent = self.document(validated)
        return services.add_plan(parent, by=self.context["request"].user, **validated)


class RecordSerializer(_ParentSerializer):
    method = DictionaryRelatedField("payment_method", required=False, allow_null=True)
    plans = serializers.PrimaryKeyRelatedField(queryset=PaymentPlan.objects.all(), many=True, required=False,
                                               help_text="Installments it pays, earliest due first.")

    class Meta:
        model = PaymentRecord
        fields = ["id", "number", *PARENT_FIELDS, "received_on", "amount", "method", "account", "payer", "status",
                  "plans", "note", "created_at"]
        read_only_fields = ["number", "status"]
        validators: list = []

    def create(self, validated):
        parent = self.document(validated)
        user = self.context["request"].user
        if any(not can_see(user, plan) for plan in validated.get("plans", [])):
            raise NotFound
        return services.record_payment(parent, by=user, **validated)


class InvoiceSerializer(_ParentSerializer):
    record = serializers.PrimaryKeyRelatedField(queryset=PaymentRecord.objects.all(), required=False,
                                                allow_null=True)
    override_reason = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = Invoice
        fields = ["id", *PARENT_FIELDS, "record", "kind", "amount", "issued_on", "invoice_number", "title_type",
                  "title", "tax_id", "bank", "bank_account", "address", "phone", "mail_address", "tracking_number",
                  "status", "note", "override_reason", "created_at"]
        read_only_fields = ["status"]
        extra_kwargs = {"kind": {"required": False}, "title_type": {"required": False}}
        validators: list = []

    def create(self, validated):
        parent = self.document(validated)
        user = self.context["request"].user
        if validated.get("record") is not None and not can_see(user, validated["record"]):
            raise NotFound
        return services.issue_invoice(parent, by=user, **validated)


COMMON = [OpenApiParameter("q", str), OpenApiParameter("owner", int), OpenApiParameter("customer", int),
          OpenApiParameter("date_from", str), OpenApiParameter("date_to", str), OpenApiParameter("mine", bool)]


class _ViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin,
               mixins.DestroyModelMixin, viewsets.GenericViewSet):
    filter_backends: list = []
    permission_module = "payments"
    list_queries = None

    def get_queryset(self):
        queryset = super().get_queryset().select_related("customer", "contract", "order")
        if self.action != "list":
            return queryset
        form, filters = self.list_queries.read_filters(self.request.query_params, self.request.user)
        if form.errors:
            raise BadRequest({k: [str(m) for m in v] for k, v in form.errors.items()})
        listed = self.list_queries.listing(self.request.user, filters, self.request.query_params.get("sort"))
        return listed.select_related("customer", "contract", "order")

    def perform_destroy(self, instance):
        services.trash(instance, by=self.request.user)


@extend_schema(parameters=[*COMMON, OpenApiParameter("status", str, enum=list(PaymentPlan.Status.values)),
                           OpenApiParameter("sort", str, enum=list(queries.PlanQueries.SORTS))])
class PlanViewSet(_ViewSet):
    """Payment plans (回款计划) within your data scope."""

    queryset = PaymentPlan.objects.all()
    serializer_class = PlanSerializer
    list_queries = queries.PlanQueries
    permission_action = {"void": "edit"}

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        plan = services.void_plan(self.get_object(), by=request.user)
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data)


@extend_schema(parameters=[*COMMON, OpenApiParameter("status", str, enum=list(PaymentRecord.Status.values)),
                           OpenApiParameter("sort", str, enum=list(queries.RecordQueries.SORTS))])
class RecordViewSet(_ViewSet):
    """Payments received (回款记录) within your data scope."""

    queryset = PaymentRecord.objects.all()
    serializer_class = RecordSerializer
    list_queries = queries.RecordQueries
    permission_action = {"plan": "create"}

    @extend_schema(request=None, responses={201: PlanSerializer})
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        plan = services.plan_from_record(self.get_object(), by=request.user)
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[*COMMON, OpenApiParameter("status", str, enum=list(Invoice.Status.values)),
                           OpenApiParameter("kind", str, enum=list(Invoice.Kind.values)),
                           OpenApiParameter("sort", str, enum=list(queries.InvoiceQueries.SORTS))])
class InvoiceViewSet(_ViewSet):
    """Invoices (开票) within your data scope."""

    queryset = Invoice.objects.all()
    serializer_class = InvoiceSerializer
    list_queries = queries.InvoiceQueries
