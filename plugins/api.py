"""``GET /api/v1/modules/``: the company's modules (the Boss's "Modules" page as data)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from plugins import services
from saas_core.accounts.permissions import IsBoss


class ModuleRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    enabled = serializers.BooleanField()
    source = serializers.ChoiceField(choices=["plan", "add_on", "vendor_on", "vendor_off", "none"])
    price_minor = serializers.IntegerField()
    currency = serializers.CharField()


@extend_schema(responses=ModuleRowSerializer(many=True))
@api_view(["GET"])
@permission_classes([IsBoss])
def module_list(request):
    rows = services.modules_overview(request.tenant)
    return Response(ModuleRowSerializer(rows, many=True).data)
