"""The call-log API under ``/api/v1/call_center/`` (a JSON 404 where the module is off).

Read-only: calls are written by the PBX's and the vendor's events and by click-to-dial, never
by hand. The list takes the call log page's filters (``q``, ``direction``, ``result``, ``agent``,
``start``, ``end``; the same ``LogFilterForm``, so a bad value is a 400 naming the field) plus
``customer``, and goes through the data scope by agent (``services.calls_for``); a call outside
it (or another company's) is a 404, unless it rang for the caller. The recording is served only
through ``calls/{id}/recording/``, which checks the same.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated

from plugins.call_center import recordings, services
from plugins.call_center.forms import LogFilterForm
from plugins.call_center.models import Call, Direction, Result
from saas_core.org.access import ModulePermission

MODULE = "call_center"


class CallSerializer(serializers.ModelSerializer):
    direction_label = serializers.CharField(source="get_direction_display", read_only=True)
    result_label = serializers.CharField(source="get_result_display", read_only=True)
    agent_name = serializers.CharField(source="agent.name", read_only=True, allow_null=True, default=None)
    customer_name = serializers.CharField(source="customer.name", read_only=True, allow_null=True, default=None)
    contact_name = serializers.CharField(source="contact.name", read_only=True, allow_null=True, default=None)
    recording = serializers.SerializerMethodField(
        help_text="The recording copied into the company's storage (a permission-checked link of this API), or "
                  "the vendor's own link until it is copied; null without one.")
    recording_stored = serializers.SerializerMethodField(
        help_text="Whether the recording has been copied into the company's storage.")

    class Meta:
        model = Call
        fields = ["id", "vendor", "call_id", "direction", "direction_label", "caller", "callee", "number", "queue",
                  "agent", "agent_name", "customer", "customer_name", "contact", "contact_name", "started_at",
                  "answered_at", "ended_at", "duration", "result", "result_label", "recording", "recording_stored"]
        read_only_fields = fields

    def get_recording(self, call: Call) -> str | None:
        if call.recording:
            url = reverse("call_center-api:call-recording", args=[call.pk])
            request = self.context.get("request")
            return request.build_absolute_uri(url) if request is not None else url
        return call.recording_url or None

    def get_recording_stored(self, call: Call) -> bool:
        return bool(call.recording)


LIST_PARAMS = [
    OpenApiParameter("q", str, description="A number (any format), customer or contact name."),
    OpenApiParameter("direction", str, enum=list(Direction.values)),
    OpenApiParameter("result", str, enum=list(Result.values)),
    OpenApiParameter("agent", int, description="A user's id (within your data scope)."),
    OpenApiParameter("customer", int),
    OpenApiParameter("start", OpenApiTypes.DATE, description="Calls started on or after this day."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Calls started on or before this day."),
]


@extend_schema_view(list=extend_schema(parameters=LIST_PARAMS))
class CallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The call log: the calls of the agents in your data scope, newest first."""

    serializer_class = CallSerializer
    queryset = Call.objects.none()  # for the schema only (typed ids); get_queryset() scopes
    permission_classes = [IsAuthenticated, ModulePermission]
    permission_module = MODULE
    permission_action = {"recording": "view"}
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["started_at", "duration"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        queryset = services.calls_for(self.request.user)
        if self.action != "list":
            return queryset
        params = self.request.query_params
        form = LogFilterForm(params, user=self.request.user)
        if not form.is_valid():
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        queryset = services.log_filter(queryset, **form.filters())
        customer = params.get("customer")
        if customer is not None:
            if not customer.isdigit():
                raise ValidationError({"customer": [_("Enter a customer's id.")]})
            queryset = queryset.filter(customer_id=int(customer))
        return queryset

    def get_object(self) -> Call:
        """A call in the data scope, or one that rang for the user (its card showed it to them)."""
        call = get_object_or_404(Call.objects.select_related("agent", "customer", "contact"), pk=self.kwargs["pk"])
        if not services.may_see_call(self.request.user, call):
            raise NotFound
        return call

    @extend_schema(responses={(200, "audio/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The recording.")})
    @action(detail=True, methods=["get"])
    def recording(self, request, pk=None):
        """The call's recording from the company's own storage (404 until it has been copied)."""
        return recordings.serve(self.get_object())
