"""Attachments over the REST API, with the web pages' rules (``access``):

- ``GET/POST /api/v1/customers/{id}/attachments/``: a customer's files (paginated), upload one
  (multipart: ``file``, optional ``description``);
- ``GET/PATCH/DELETE /api/v1/attachments/{id}/``: one file's details, its description, delete
  (to the recycle bin); ``GET /api/v1/attachments/{id}/download/``: the file itself.

A parent or file the caller may not see is a 404, like one that does not exist.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from saas_core.attachments import access, services, serving
from saas_core.attachments.models import Attachment
from saas_core.attachments.serializers import AttachmentSerializer, AttachmentUploadSerializer
from saas_core.org.access import ModulePermission


class ParentAttachmentsView(generics.GenericAPIView):
    """A record's attachments (GET, paginated) and upload (POST, multipart)."""

    permission_classes = [IsAuthenticated, ModulePermission]
    permission_module = "attachments"
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()  # for the schema; the parent decides the rows
    parent_key = ""

    def _parent(self):
        return access.find_parent(self.request.user, self.parent_key, self.kwargs["pk"])[1]

    def get(self, request, pk: int):
        page = self.paginate_queryset(services.attachments_of(self._parent()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses={201: AttachmentSerializer})
    def post(self, request, pk: int):
        parent = self._parent()
        access.require_change(request.user, parent, "create")
        upload = AttachmentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        attachment = services.upload(
            parent, upload.validated_data["file"], by=request.user, description=upload.validated_data["description"],
        )
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                        viewsets.GenericViewSet):
    """One attachment: details, its description (PATCH), delete to the recycle bin, download."""

    permission_classes = [IsAuthenticated, ModulePermission]
    permission_module = "attachments"
    permission_action = {"download": "view"}
    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()  # for the schema; get_object checks the parent
    http_method_names = ["get", "patch", "delete", "head", "options"]
    lookup_value_regex = "[0-9]+"

    def get_object(self) -> Attachment:
        attachment, self.parent = access.find_attachment(self.request.user, int(self.kwargs["pk"]))
        return attachment

    def perform_update(self, serializer):
        services.update_description(
            serializer.instance, serializer.validated_data.get("description", serializer.instance.description),
            by=self.request.user, parent=self.parent,
        )

    def perform_destroy(self, instance: Attachment):
        services.delete(instance, by=self.request.user, parent=self.parent)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return serving.file_response(self.get_object(), inline=False)
