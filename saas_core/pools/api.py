"""Public pools over the API, with the same rules as the web pages (pools.services).

- ``/pools/``: the pools the user may open (the Boss: all; creates, edits and deletes them);
- ``/pools/{id}/customers/?search=``: the customers in a pool (members and admins);
- ``POST /pools/{id}/claim/`` ``{"customer": id}``: 200 with the customer; 409 when someone else
  claimed it first; 400 when a claim rule refuses; 403 for a non-member;
- ``POST /pools/{id}/assign/`` ``{"customer": id, "user": id}`` (pool admins and the Boss);
- ``POST /pools/{id}/release/`` ``{"customers": [ids], "reason": id or code, "note": ""}``;
- ``GET /pools/warnings/``: my customers returning to a pool soon;
- ``POST /pools/release-departed/`` ``{"user": id, "pool": id, "disable": bool}`` (the Boss);
- ``/pool-rules/``: reclaim rules (the Boss).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a malformed id is a 404, not a ValueError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from saas_core.accounts.models import User
from saas_core.customers.models import Customer
from saas_core.customers.search import search_customers
from saas_core.dictionaries.models import DictionaryItem
from saas_core.org.access import IsBoss, require
from saas_core.org.models import Department
from saas_core.pools import services
from saas_core.pools.models import LEVEL_TYPES, Pool, ReclaimRule, ReclaimWarning


class RuleSerializer(serializers.ModelSerializer):
    pool = serializers.PrimaryKeyRelatedField(queryset=Pool.objects.all())
    level = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryItem.objects.filter(type__key__in=list(LEVEL_TYPES)), allow_null=True, required=False,
        help_text="A customer_category, customer_grade or value_class value; null means any customer.",
    )
    condition = serializers.ChoiceField(source="kind", choices=ReclaimRule.Kind.choices,
                                        default=ReclaimRule.Kind.NO_FOLLOW_UP)
    level_label = serializers.SerializerMethodField()
    is_evaluated = serializers.BooleanField(read_only=True, help_text="False: stored, takes effect with a later module.")

    class Meta:
        model = ReclaimRule
        fields = ["id", "pool", "level", "level_label", "condition", "days", "is_active", "is_evaluated"]

    def get_validators(self):
        return []  # pools.services checks uniqueness with a clear message

    def get_level_label(self, obj) -> str:
        return obj.level.label if obj.level_id else ""

    def create(self, validated_data):
        return services.save_rule(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("pool", None)
        return services.save_rule(instance, by=self.context["request"].user, **validated_data)


class PoolSerializer(serializers.ModelSerializer):
    member_users = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    member_departments = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), many=True,
                                                            required=False)
    admins = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    rules = RuleSerializer(many=True, read_only=True)
    customer_count = serializers.SerializerMethodField()
    is_admin = serializers.SerializerMethodField()

    class Meta:
        model = Pool
        fields = ["id", "name", "description", "is_default", "member_users", "member_departments", "admins",
                  "daily_claim_limit", "reclaim_wait_days", "holding_cap", "warn_days_ahead", "rules",
                  "customer_count", "is_admin"]

    def get_validators(self):
        return []  # pools.services checks the name and the default pool

    def get_customer_count(self, obj) -> int:
        counts = self.context.get("counts")
        if counts is None:
            counts = services.counts([obj])
        return counts.get(obj.pk, 0)

    def get_is_admin(self, obj) -> bool:
        return services.is_admin(obj, self.context["request"].user)

    def create(self, validated_data):
        return services.save_pool(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.save_pool(instance, by=self.context["request"].user, **validated_data)


class PoolCustomerSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.label", default="", read_only=True)
    grade = serializers.CharField(source="grade.label", default="", read_only=True)
    value_class = serializers.CharField(source="value_class.label", default="", read_only=True)
    released_at = serializers.DateTimeField(source="pool_entry.released_at", read_only=True)
    previous_owner = serializers.SerializerMethodField()
    reason = serializers.CharField(source="pool_entry.reason.label", default="", read_only=True)
    how = serializers.CharField(source="pool_entry.how", read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "number", "name", "kind", "status", "category", "grade", "value_class", "province", "city",
                  "released_at", "previous_owner", "reason", "how"]

    def get_previous_owner(self, obj) -> dict | None:
        user = obj.pool_entry.previous_owner
        return {"id": user.pk, "name": str(user)} if user else None


class ClaimedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    owner = serializers.IntegerField(source="owner_id")


class WarningSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name")
    pool_name = serializers.CharField(source="pool.name")
    condition = serializers.CharField(source="rule.kind")

    class Meta:
        model = ReclaimWarning
        fields = ["id", "customer", "customer_name", "pool", "pool_name", "condition", "days", "warned_at", "due_at"]


ClaimRequest = inline_serializer("PoolClaimRequest", {"customer": serializers.IntegerField()})
AssignRequest = inline_serializer("PoolAssignRequest", {"customer": serializers.IntegerField(),
                                                        "user": serializers.IntegerField()})
ReleaseRequest = inline_serializer("PoolReleaseRequest", {
    "customers": serializers.ListField(child=serializers.IntegerField()),
    "reason": serializers.CharField(help_text="A release_reason value: its id or its code."),
    "note": serializers.CharField(required=False),
})
DepartedRequest = inline_serializer("PoolDepartedRequest", {
    "user": serializers.IntegerField(), "pool": serializers.IntegerField(), "reason": serializers.CharField(required=False),
    "disable": serializers.BooleanField(required=False),
})


def _int(data, key: str) -> int:
    value = data.get(key)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise serializers.ValidationError({key: [_("A whole number is required.")]}) from None


class PoolViewSet(viewsets.ModelViewSet):
    """Public pools (CUS-06). Everyone with the customers view right sees the pools they belong to;
    only the Boss creates, changes or deletes pools."""

    serializer_class = PoolSerializer
    permission_classes = [IsAuthenticated]
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return services.visible_pools(self.request.user).prefetch_related(
            "member_users", "member_departments", "admins", "rules__level").order_by("-is_default", "name", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "list":
            context["counts"] = services.counts(self.get_queryset())
        return context

    def perform_destroy(self, instance):
        move_to = self.request.query_params.get("move_to")
        services.delete_pool(instance, by=self.request.user,
                             move_to=get_object_or_404(Pool, pk=move_to) if move_to and move_to.isdigit() else None)

    def _pool(self) -> Pool:
        # Not get_object(): the list's ?search= (pool names) must not filter the pool out.
        pool = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        services.require_use(pool, self.request.user)
        return pool

    @extend_schema(parameters=[OpenApiParameter("search", str, description="Name, pinyin, number or phone.")],
                   responses=PoolCustomerSerializer(many=True))
    @action(detail=True, methods=["get"])
    def customers(self, request, pk=None):
        pool = self._pool()
        customers = services.pool_customers(pool)
        query = (request.query_params.get("search") or "").strip()
        if query:
            customers = search_customers(customers, query)
        page = self.paginate_queryset(customers)
        return self.get_paginated_response(PoolCustomerSerializer(page, many=True).data)

    def _pool_customer(self) -> int:
        pk = _int(self.request.data, "customer")
        get_object_or_404(Customer, pk=pk)  # another company's id is simply not found
        return pk

    @extend_schema(request=ClaimRequest, responses={200: ClaimedSerializer, 409: None})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        pool = self._pool()
        require(request.user, "customers", "edit")
        customer_pk = self._pool_customer()
        try:
            customer = services.claim(customer_pk, by=request.user, pool=pool)
        except services.AlreadyTaken as exc:
            return Response({"detail": " ".join(exc.messages), "errors": {}}, status=status.HTTP_409_CONFLICT)
        return Response(ClaimedSerializer(customer).data)

    @extend_schema(request=AssignRequest, responses={200: ClaimedSerializer, 409: None})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        pool = self._pool()
        services.require_admin(pool, request.user)
        customer_pk = self._pool_customer()
        user = User.objects.filter(pk=_int(request.data, "user")).first()
        if user is None:
            raise serializers.ValidationError({"user": [_("This user does not exist.")]})
        try:
            customer = services.assign(customer_pk, to=user, by=request.user, pool=pool)
        except services.AlreadyTaken as exc:
            return Response({"detail": " ".join(exc.messages), "errors": {}}, status=status.HTTP_409_CONFLICT)
        return Response(ClaimedSerializer(customer).data)

    @extend_schema(request=ReleaseRequest, responses=inline_serializer("PoolReleased", {
        "released": serializers.IntegerField()}))
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        pool = self._pool()
        ids = request.data.get("customers")
        if not isinstance(ids, list):
            raise serializers.ValidationError({"customers": [_("Give a list of customer ids.")]})
        count = services.release(ids, pool, by=request.user, reason=request.data.get("reason"),
                                 note=str(request.data.get("note") or ""))
        return Response({"released": count})

    @extend_schema(responses=WarningSerializer(many=True))
    @action(detail=False, methods=["get"])
    def warnings(self, request):
        """My customers that reclaim rules will return to a pool soon, soonest first."""
        page = self.paginate_queryset(services.current_warnings(owner=request.user))
        return self.get_paginated_response(WarningSerializer(page, many=True).data)

    @extend_schema(request=DepartedRequest, responses=inline_serializer("PoolDepartedReleased", {
        "released": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="release-departed", permission_classes=[IsAuthenticated, IsBoss])
    def release_departed(self, request):
        user = get_object_or_404(User.all_objects, pk=_int(request.data, "user"))
        pool = get_object_or_404(Pool, pk=_int(request.data, "pool"))
        count = services.release_all_of(user, pool, by=request.user, reason=request.data.get("reason"),
                                        disable=bool(request.data.get("disable")))
        return Response({"released": count})


class ReclaimRuleViewSet(viewsets.ModelViewSet):
    """Reclaim rules of every pool (the Boss only); ``?pool=`` narrows to one pool."""

    serializer_class = RuleSerializer
    permission_classes = [IsAuthenticated, IsBoss]

    def get_queryset(self):
        rules = ReclaimRule.objects.select_related("level").order_by("pool_id", "kind", "days", "pk")
        pool = self.request.query_params.get("pool")
        if pool and pool.isdigit():
            rules = rules.filter(pool_id=pool)
        return rules

    def perform_destroy(self, instance):
        services.delete_rule(instance, by=self.request.user)
