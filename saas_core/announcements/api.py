"""Announcements over the API: same permissions, receipts and read marking as the web app."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from saas_core.announcements import services
from saas_core.announcements.models import Announcement
from saas_core.org.access import ModulePermission
from saas_core.records import bin as recycle_bin


class AnnouncementSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()
    is_read = serializers.BooleanField(read_only=True, default=False)  # a new one has no read mark yet

    class Meta:
        model = Announcement
        fields = ["id", "title", "body", "author", "published_at", "pinned", "expires_at", "is_read"]

    def create(self, validated_data):
        return services.post(author=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.update(instance, **validated_data)


class ReceiptSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    user = serializers.CharField()
    read_at = serializers.DateTimeField(allow_null=True)


class AnnouncementViewSet(viewsets.ModelViewSet):
    serializer_class = AnnouncementSerializer
    queryset = Announcement.objects.none()  # for the schema only (typed ids); get_queryset() scopes
    permission_classes = [ModulePermission]
    permission_module = "announcements"
    permission_action: str | None = None  # set per custom action below
    search_fields = ["title", "body"]
    ordering_fields = ["published_at", "title"]

    def get_queryset(self):
        return services.current_for(self.request.user)

    def perform_destroy(self, instance):
        recycle_bin.trash(instance, by=self.request.user)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"], permission_action="view")
    def read(self, request, pk=None):
        services.mark_read(self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=ReceiptSerializer(many=True))
    @action(detail=True, methods=["get"], permission_action="create")
    def receipts(self, request, pk=None):
        rows = services.receipts(self.get_object())
        return Response([{"user_id": u.pk, "user": str(u), "read_at": at} for u, at in rows])
