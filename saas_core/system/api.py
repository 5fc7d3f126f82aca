"""``/api/v1/system-settings/``: every signed-in user reads the precision; the Boss changes it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from saas_core.system import services


class SystemSettingsSerializer(serializers.Serializer):
    price_places = serializers.IntegerField(min_value=0, max_value=services.MAX_PLACES, required=False)
    quantity_places = serializers.IntegerField(min_value=0, max_value=services.MAX_PLACES, required=False)


class SystemSettingsView(APIView):
    """The company's system settings (SYS-01): price and quantity precision."""

    @extend_schema(responses=SystemSettingsSerializer)
    def get(self, request):
        return Response(SystemSettingsSerializer(services.current()).data)

    @extend_schema(request=SystemSettingsSerializer, responses=SystemSettingsSerializer)
    def patch(self, request):
        serializer = SystemSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        settings = services.update_settings(by=request.user, **serializer.validated_data)
        return Response(SystemSettingsSerializer(settings).data)

    @extend_schema(request=SystemSettingsSerializer, responses=SystemSettingsSerializer)
    def put(self, request):
        return self.patch(request)
