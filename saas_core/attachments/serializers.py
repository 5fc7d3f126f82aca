from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from saas_core.attachments.models import Attachment
from saas_core.attachments.parents import parent_type


class UploaderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class ParentRefSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = UploaderSerializer(source="created_by", read_only=True, allow_null=True)
    uploaded_at = serializers.DateTimeField(source="created_at", read_only=True)
    parent = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "description", "uploaded_by", "uploaded_at", "parent",
                  "download_url"]
        read_only_fields = ["id", "name", "size", "content_type", "uploaded_by", "uploaded_at", "parent",
                            "download_url"]

    def get_parent(self, attachment: Attachment) -> ParentRefSerializer:
        kind = parent_type(attachment.parent_type.model_class())
        return {"type": kind.key if kind else attachment.parent_type.model, "id": attachment.parent_id}

    def get_download_url(self, attachment: Attachment) -> str:
        url = reverse("attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class AttachmentUploadSerializer(serializers.Serializer):
    # Empty files and the size limit are the service's to refuse, with the file's name.
    file = serializers.FileField(allow_empty_file=True, max_length=None, use_url=False)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
