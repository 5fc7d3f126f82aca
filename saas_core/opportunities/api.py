"""The opportunity API (OPP-01, OPP-02): thin serializers over opportunities.services.

Lists take the web list's filters (``q``, ``type``, ``stage``, ``outcome``, ``owner``, ``customer``,
``found_from``, ``found_to``, ``expected_month``, ``mine``) and ``sort``; every record goes
through the data scope (another company's or an out-of-scope id is a 404). Bad input is a 400
with a field map, in the request's language.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from saas_core.customers.models import Contact, Customer
from saas_core.customers.serializers import DictionaryValueField, UserRefField
from saas_core.dictionaries.models import DictionaryItem
from saas_core.money import DECIMAL_PLACES, MAX_DIGITS
from saas_core.opportunities import funnel, queries, services
from saas_core.opportunities.models import Opportunity, OpportunityType, Stage, StageChange
from saas_core.org.access import ModulePermission
from saas_core.org.scope import ScopedViewSetMixin
from saas_core.records import bin as recycle_bin


class StageSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Stage
        fields = ["id", "type", "name_zh", "name_en", "label", "position", "probability", "outcome"]
        read_only_fields = ["position"]


class OpportunityTypeSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = OpportunityType
        fields = ["id", "name_zh", "name_en", "label", "position", "is_active", "stages"]
        read_only_fields = ["position"]


class StageRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    outcome = serializers.CharField()


class OpportunitySerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    contacts = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), many=True, required=False)
    type = serializers.PrimaryKeyRelatedField(queryset=OpportunityType.objects.all())
    stage = serializers.PrimaryKeyRelatedField(
        queryset=Stage.objects.all(), required=False,
        help_text="On create: the type's first stage when left out. To move an opportunity later, POST .../stage/.")
    stage_detail = StageRefSerializer(source="stage", read_only=True)
    source = DictionaryValueField("opportunity_source", required=False, allow_null=True)
    lost_reason = DictionaryValueField("lost_reason", required=False, allow_null=True)
    owner = UserRefField(required=False, help_text="You when left out.")
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    expected_amount = serializers.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, required=False,
                                               allow_null=True, coerce_to_string=True)
    probability = serializers.IntegerField(min_value=0, max_value=100, required=False,
                                           help_text="The stage's default when left out.")
    days_in_stage = serializers.SerializerMethodField()

    class Meta:
        model = Opportunity
        fields = ["id", "subject", "customer", "customer_name", "contacts", "type", "stage", "stage_detail",
                  "probability", "stage_note", "lost_reason", "found_on", "source", "owner", "owner_name",
                  "requirements", "expected_sign_on", "expected_amount", "competitors", "solutions",
                  "days_in_stage", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"found_on": {"required": False, "help_text": "Today when left out."}}

    def get_days_in_stage(self, opportunity) -> int:
        return services.days_in_stage(opportunity)

    def create(self, validated_data):
        return services.create_opportunity(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        if "stage" in validated_data and validated_data["stage"].pk != instance.stage_id:
            raise ValidationError({"stage": ["Change the stage with POST .../stage/ (it records the history)."]})
        validated_data.pop("stage", None)
        return services.update_opportunity(instance, by=self.context["request"].user, **validated_data)


class StageChangeSerializer(serializers.ModelSerializer):
    from_stage = StageRefSerializer(read_only=True)
    to_stage = StageRefSerializer(read_only=True)
    by = serializers.StringRelatedField()
    lost_reason = serializers.SerializerMethodField()

    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "by", "at", "note", "lost_reason"]

    def get_lost_reason(self, change) -> str | None:
        return change.lost_reason.label if change.lost_reason_id else None


class ChangeStageSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all())
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    lost_reason = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryItem.objects.filter(type__key="lost_reason", is_active=True), required=False, allow_null=True,
        help_text="Required when the stage is a lost one.")
    probability = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)


LIST_PARAMS = [
    OpenApiParameter("q", str), OpenApiParameter("type", int), OpenApiParameter("stage", int),
    OpenApiParameter("outcome", str, enum=list(Stage.Outcome.values)), OpenApiParameter("owner", int),
    OpenApiParameter("customer", int), OpenApiParameter("found_from", str), OpenApiParameter("found_to", str),
    OpenApiParameter("expected_month", str, description="YYYY-MM, or none"), OpenApiParameter("mine", bool),
    OpenApiParameter("sort", str, enum=list(queries.SORTS)),
]


def _filters(request) -> dict:
    form, filters = queries.read_filters(request.query_params, request.user)
    if form.errors:
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    return filters


@extend_schema(parameters=LIST_PARAMS)
class OpportunityViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Opportunities within your data scope (OPP-01); ``POST {id}/stage/`` moves one and records it."""

    queryset = Opportunity.objects.all()
    serializer_class = OpportunitySerializer
    filter_backends: list = []  # the web list's filters (queries.read_filters)
    permission_module = "opportunities"
    permission_action = {"stage": "edit", "history": "view", "funnel": "view"}

    def get_queryset(self):
        queryset = super().get_queryset().select_related("customer", "type", "stage", "source", "owner", "lost_reason")
        queryset = services.stage_since(queryset).prefetch_related("contacts")
        if self.action != "list":
            return queryset
        sort = self.request.query_params.get("sort")
        return queries.apply_filters(queryset, _filters(self.request), self.request.user).order_by(
            *queries.SORTS.get(sort or "", queries.SORTS[queries.DEFAULT_SORT]))

    def perform_destroy(self, instance):
        recycle_bin.trash(instance, by=self.request.user)

    @extend_schema(request=ChangeStageSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def stage(self, request, pk=None):
        opportunity = self.get_object()
        data = ChangeStageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_stage(opportunity, by=request.user, **data.validated_data)
        fresh = self.get_queryset().get(pk=opportunity.pk)
        return Response(OpportunitySerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(responses=StageChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        opportunity = self.get_object()
        rows = opportunity.stage_changes.select_related("from_stage", "to_stage", "by", "lost_reason")
        return Response(StageChangeSerializer(rows, many=True).data)

    @extend_schema(parameters=LIST_PARAMS[:-1], responses={200: {"type": "object"}})
    @action(detail=False, methods=["get"])
    def funnel(self, request):
        """The funnel per type and the forecast by month (OPP-02) of the filtered opportunities in your scope."""
        filters = _filters(request)
        scoped = services.opportunities_for(request.user)
        figures = funnel.figures(queries.apply_filters(scoped, filters, request.user), filters=filters,
                                 list_url="/opportunities/")
        return Response({
            "count": figures.count, "amount": str(figures.amount), "weighted": str(figures.weighted),
            "funnels": [{
                "type": f.type.pk, "type_label": f.type.label, "count": f.count, "amount": str(f.amount),
                "won_count": f.won_count, "won_amount": str(f.won_amount), "lost_count": f.lost_count,
                "lost_amount": str(f.lost_amount), "win_rate": f.win_rate and str(f.win_rate),
                "stages": [{"stage": r.stage.pk, "label": r.stage.label, "count": r.count, "amount": str(r.amount),
                            "count_share": str(r.count_share), "amount_share": str(r.amount_share),
                            "conversion": r.conversion and str(r.conversion)} for r in f.rows],
            } for f in figures.funnels],
            "forecast": [{"month": r.month, "count": r.count, "amount": str(r.amount), "weighted": str(r.weighted)}
                         for r in figures.forecast],
        })


class _BossWrites(ModulePermission):
    """Reading types and stages needs the opportunities module; changing them is the Boss's."""

    def has_permission(self, request, view) -> bool:
        if request.method not in ("GET", "HEAD", "OPTIONS") and not getattr(request.user, "is_boss", False):
            raise PermissionDenied("Only the Boss may change opportunity types and stages.")
        return super().has_permission(request, view)


class OpportunityTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                             mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Opportunity types with their ordered stages; the Boss adds and renames them and reorders stages."""

    queryset = OpportunityType.objects.prefetch_related("stages")
    serializer_class = OpportunityTypeSerializer
    permission_classes = [IsAuthenticated, _BossWrites]
    permission_module = "opportunities"
    permission_action = {"reorder": "edit"}

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.save_type(None, by=self.request.user, name_zh=data.get("name_zh", ""),
                                                 name_en=data.get("name_en", ""), is_active=data.get("is_active", True))

    def perform_update(self, serializer):
        data, kind = serializer.validated_data, serializer.instance
        services.save_type(kind, by=self.request.user, name_zh=data.get("name_zh", kind.name_zh),
                           name_en=data.get("name_en", kind.name_en), is_active=data.get("is_active", kind.is_active))

    @extend_schema(request={"application/json": {"type": "object", "properties": {
        "stages": {"type": "array", "items": {"type": "integer"}}}}}, responses=StageSerializer(many=True))
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        kind = self.get_object()
        ids = request.data.get("stages")
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise ValidationError({"stages": ["Give every stage id of this type, in the new order."]})
        return Response(StageSerializer(services.reorder_stages(kind, ids, by=request.user), many=True).data)


class StageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Stages (``?type=`` one type's, in order); the Boss adds, changes and removes unused ones."""

    queryset = Stage.objects.order_by("type_id", "position", "id")
    serializer_class = StageSerializer
    permission_classes = [IsAuthenticated, _BossWrites]
    permission_module = "opportunities"

    def get_queryset(self):
        queryset = super().get_queryset()
        raw = self.request.query_params.get("type")
        if raw is not None:
            if not raw.isdigit():
                raise ValidationError({"type": ["Enter an id."]})
            queryset = queryset.filter(type_id=int(raw))
        return queryset

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.save_stage(
            None, by=self.request.user, type=data["type"], name_zh=data.get("name_zh", ""),
            name_en=data.get("name_en", ""), probability=data.get("probability", 0),
            outcome=data.get("outcome", Stage.Outcome.OPEN))

    def perform_update(self, serializer):
        data, stage = serializer.validated_data, serializer.instance
        if "type" in data and data["type"].pk != stage.type_id:
            raise ValidationError({"type": ["A stage stays in its type."]})
        services.save_stage(stage, by=self.request.user, name_zh=data.get("name_zh", stage.name_zh),
                            name_en=data.get("name_en", stage.name_en),
                            probability=data.get("probability", stage.probability),
                            outcome=data.get("outcome", stage.outcome))

    def perform_destroy(self, instance):
        services.delete_stage(instance, by=self.request.user)


