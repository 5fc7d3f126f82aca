"""The approval API (APR-01): the waiting list, one approval with its timeline, and the actions.

An approval the user takes no part in and whose document they may not see (or another
company's) is a 404; someone who sees it but may not decide gets a 403 whose detail names the
reason; a second decision on the same part (a replayed call) is a 409 and records nothing; bad
input is a 400 with a field map.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from saas_core.approvals import flows, registry, services
from saas_core.approvals.models import Approval, Event
from saas_core.customers.serializers import UserRefField
from saas_core.org.scope import can_see


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_decided"


class ApprovalEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()
    target = serializers.StringRelatedField()

    class Meta:
        model = Event
        fields = ("action", "actor", "target", "node", "node_name", "comment", "at")


class ApprovalSerializer(serializers.ModelSerializer):
    initiator = serializers.StringRelatedField()
    node_name = serializers.SerializerMethodField()
    plan = serializers.JSONField(read_only=True, help_text="The steps as resolved at submission: name, mode, "
                                                          "approvers (user ids), auto (\"\", \"passed\", \"boss\").")
    events = ApprovalEventSerializer(many=True, read_only=True)

    class Meta:
        model = Approval
        fields = ("id", "doc_type", "object_id", "label", "url", "status", "route", "node", "node_name", "plan",
                  "initiator", "started_at", "finished_at", "events")

    def get_node_name(self, approval) -> str:
        return approval.node_name() if approval.is_pending else ""


class ApprovalActionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ApprovalRejectSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, help_text="Required: why it is rejected.")


class ApprovalPersonSerializer(ApprovalActionSerializer):
    user = UserRefField()


class ApprovalPeopleSerializer(ApprovalActionSerializer):
    users = serializers.ListField(child=UserRefField(), min_length=1, max_length=50)


class ApprovalBatchSerializer(ApprovalActionSerializer):
    ids = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=services.BATCH_MAX)


class ApprovalSubmitSerializer(serializers.Serializer):
    doc_type = serializers.ChoiceField(choices=[])
    object_id = serializers.IntegerField()
    chosen = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()), required=False,
                                   help_text="Step index → user ids, for steps the initiator chooses.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = [t.key for t in registry.document_types()]


class ApprovalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Approvals the user submitted, decides or was copied on (``list``), and the actions."""

    permission_classes = [IsAuthenticated]
    serializer_class = ApprovalSerializer
    queryset = Approval.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Approval.objects.none()
        return services.involving(self.request.user).select_related("initiator").prefetch_related(
            "events__actor", "events__target")

    def get_object(self):
        approval = services.approval_for(self.request.user, self.kwargs.get("pk", ""))
        if approval is None:
            raise Http404
        return approval

    def _run(self, operation, *args, **kwargs) -> Response:
        try:
            approval = operation(*args, **kwargs)
        except services.AlreadyDecided as exc:
            raise Conflict(" ".join(exc.messages)) from exc
        approval = Approval.objects.get(pk=approval.pk if isinstance(approval, Approval) else args[0].pk)
        return Response(ApprovalSerializer(approval, context=self.get_serializer_context()).data)

    @extend_schema(responses=ApprovalSerializer(many=True))
    @action(detail=False, methods=["get"])
    def waiting(self, request):
        """待我审批: approvals it is the user's turn to decide, newest first."""
        ids = services.waiting_for(request.user).values("approval")
        page = self.paginate_queryset(Approval.objects.filter(pk__in=ids).select_related("initiator")
                                      .order_by("-started_at", "-id")
                                      .prefetch_related("events__actor", "events__target"))
        return self.get_paginated_response(ApprovalSerializer(page, many=True,
                                                              context=self.get_serializer_context()).data)

    @extend_schema(request=ApprovalActionSerializer, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = ApprovalActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(services.approve, self.get_object(), by=request.user, comment=data.validated_data["comment"])

    @extend_schema(request=ApprovalRejectSerializer, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        approval = self.get_object()
        data = ApprovalRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(services.reject, approval, by=request.user, comment=data.validated_data["comment"])

    @extend_schema(request=ApprovalPersonSerializer, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        return self._with_person(request, services.transfer, "to")

    @extend_schema(request=ApprovalPersonSerializer, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"], url_path="add-signer")
    def add_signer(self, request, pk=None):
        return self._with_person(request, services.add_signer, "user")

    def _with_person(self, request, operation, argument: str) -> Response:
        approval = self.get_object()
        data = ApprovalPersonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(operation, approval, by=request.user, comment=data.validated_data["comment"],
                         **{argument: data.validated_data["user"]})

    @extend_schema(request=ApprovalPeopleSerializer, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def cc(self, request, pk=None):
        approval = self.get_object()
        data = ApprovalPeopleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.cc(approval, by=request.user, users=data.validated_data["users"],
                    comment=data.validated_data["comment"])
        return self._run(lambda a: a, approval)

    @extend_schema(request=ApprovalActionSerializer, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        approval = self.get_object()
        data = ApprovalActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(services.withdraw, approval, by=request.user, comment=data.validated_data["comment"])

    @extend_schema(request=None, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        """催办: the initiator nudges the people whose turn it is (at most once an hour)."""
        approval = self.get_object()
        services.remind(approval, by=request.user)
        return self._run(lambda a: a, approval)

    @extend_schema(request=ApprovalBatchSerializer, responses=inline_serializer("BatchApproveResult", {
        "approved": serializers.IntegerField(),
        "refused": serializers.ListField(child=serializers.DictField()),
    }))
    @action(detail=False, methods=["post"], url_path="batch-approve")
    def batch_approve(self, request):
        data = ApprovalBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.batch_approve(data.validated_data["ids"], by=request.user,
                                        comment=data.validated_data["comment"])
        return Response({"approved": result.approved,
                         "refused": [{"id": a.pk, "reason": reason} for a, reason in result.refused]})

    @extend_schema(request=ApprovalSubmitSerializer, responses={201: ApprovalSerializer})
    @action(detail=False, methods=["post"])
    def submit(self, request):
        data = ApprovalSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document_type = flows.document_type_or_404(data.validated_data["doc_type"])
        document = document_type.model.objects.filter(pk=data.validated_data["object_id"]).first()
        if document is None or not can_see(request.user, document):
            raise Http404
        services.require_submitter(request.user, document)
        approval = services.submit(document, by=request.user, chosen=data.validated_data.get("chosen") or {})
        response = Response(ApprovalSerializer(approval, context=self.get_serializer_context()).data)
        response.status_code = status.HTTP_201_CREATED
        return response

