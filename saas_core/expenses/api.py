"""The expense API (EXP-01): thin serializers over expenses.services.

Lists take the web list's filters (``q``, ``status``, ``type``, ``owner``, ``customer``,
``spent_from``, ``spent_to``, ``mine``) and ``sort``. Every claim goes through the data scope
(another company's or an out-of-scope id is a 404). Bad input is a 400 with a field map; a delete
goes to the recycle bin. Submitting for approval is the approvals API.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets

from saas_core.contracts.models import Contract
from saas_core.customers.models import Customer
from saas_core.customers.serializers import UserRefField
from saas_core.dictionaries.serializers import DictionaryRelatedField
from saas_core.expenses import queries, services
from saas_core.expenses.models import Expense
from saas_core.lines.api import DocumentViewSetMixin, decimal_field
from saas_core.opportunities.models import Opportunity
from saas_core.org.scope import ScopedViewSetMixin


class ExpenseSerializer(serializers.ModelSerializer):
    type = DictionaryRelatedField("expense_type")
    amount = decimal_field()
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True, default="")
    opportunity = serializers.PrimaryKeyRelatedField(queryset=Opportunity.objects.all(), required=False,
                                                     allow_null=True)
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True)
    owner = UserRefField(required=False, help_text="You when left out.")
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)

    class Meta:
        model = Expense
        fields = ["id", "type", "amount", "spent_on", "customer", "customer_name", "opportunity", "contract",
                  "description", "owner", "owner_name", "status", "created_at", "updated_at"]
        read_only_fields = ["status", "created_at", "updated_at"]
        extra_kwargs = {"spent_on": {"required": False, "help_text": "Today when left out."}}

    def create(self, validated_data):
        return services.create_expense(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.update_expense(instance, by=self.context["request"].user, **validated_data)


LIST_PARAMS = [
    OpenApiParameter("q", str), OpenApiParameter("status", str, enum=list(Expense.Status.values)),
    OpenApiParameter("type", int), OpenApiParameter("owner", int), OpenApiParameter("customer", int),
    OpenApiParameter("spent_from", str), OpenApiParameter("spent_to", str), OpenApiParameter("mine", bool),
    OpenApiParameter("sort", str, enum=list(queries.SORTS)),
]


@extend_schema(parameters=LIST_PARAMS)
class ExpenseViewSet(ScopedViewSetMixin, DocumentViewSetMixin, viewsets.ModelViewSet):
    """Expense claims within your data scope (EXP-01)."""

    queryset = Expense.objects.all()
    serializer_class = ExpenseSerializer
    filter_backends: list = []
    permission_module = "expenses"
    queries = queries
    related = ("customer", "owner", "type")
    prefetch = ()
