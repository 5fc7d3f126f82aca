"""The SMS API under ``/api/v1/sms/`` (404 where the module is off): templates, the send log,
sending (single, test, group), previews, opt-outs and the quota."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from plugins.sms import services
from plugins.sms.models import SmsTemplate
from saas_core.org.access import ModulePermission


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = SmsTemplate
        fields = ["id", "name", "body", "provider_code", "created_at", "updated_at"]

    def create(self, validated_data):
        return services.save_template(None, by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.save_template(instance, by=self.context["request"].user, **validated_data)


class TemplateViewSet(viewsets.ModelViewSet):
    serializer_class = TemplateSerializer
    permission_classes = [ModulePermission]
    permission_module = "sms"
    search_fields = ["name", "body"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return SmsTemplate.objects.filter(is_active=True)

    def perform_destroy(self, instance):
        services.archive_template(instance, by=self.request.user)
