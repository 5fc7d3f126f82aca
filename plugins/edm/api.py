"""The EDM API under ``/api/v1/edm/`` (a JSON 404 where the module is off): sending domains with
their DNS records and a "check now" action, and the Boss's settings (the password never shown)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from plugins.edm import services
from plugins.edm.models import EdmSettings, SendingDomain
from saas_core.org.access import IsBoss, ModulePermission


class RecordSerializer(serializers.Serializer):
    kind = serializers.CharField()
    host = serializers.CharField()
    type = serializers.CharField()
    value = serializers.CharField()


class DomainSerializer(serializers.ModelSerializer):
    records = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta:
        model = SendingDomain
        fields = ["id", "domain", "selector", "status", "spf_ok", "dkim_ok", "dmarc_ok", "problems", "records",
                  "last_checked_at", "verified_at", "created_at"]
        read_only_fields = [f for f in fields if f != "domain"]
        extra_kwargs = {"domain": {"validators": []}}

    def get_records(self, domain) -> list[dict]:
        return RecordSerializer([r.__dict__ for r in services.records(domain)], many=True).data

    def get_problems(self, domain) -> list[str]:
        return services.problem_texts(domain)

    def create(self, validated_data):
        return services.add_domain(by=self.context["request"].user, domain=validated_data["domain"])


class DomainViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                    mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Sending domains: anyone with the EDM view right reads them; the Boss adds and removes."""

    serializer_class = DomainSerializer
    permission_classes = [ModulePermission]
    permission_module = "edm"
    permission_action = {"check": "edit"}

    def get_queryset(self):
        return services.domains()

    def get_permissions(self):
        if self.action in ("create", "destroy"):
            return [IsBoss()]
        return super().get_permissions()

    def perform_destroy(self, instance):
        services.remove_domain(instance, by=self.request.user)

    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        domain = services.check_domain(self.get_object())
        return Response(DomainSerializer(domain, context={"request": request}).data)


class EdmSettingsSerializer(serializers.ModelSerializer):
    smtp_password = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)
    has_password = serializers.SerializerMethodField()

    class Meta:
        model = EdmSettings
        fields = ["from_name", "from_address", "reply_to", "smtp_host", "smtp_port", "smtp_security", "smtp_username",
                  "smtp_password", "has_password", "pool_size", "per_second", "per_hour", "per_day", "updated_at"]
        read_only_fields = ["updated_at"]

    def get_has_password(self, config) -> bool:
        return services.has_password(config)


class SettingsView(APIView):
    """The Boss's transport and sender settings."""

    permission_classes = [IsBoss]
    serializer_class = EdmSettingsSerializer

    def get(self, request):
        return Response(EdmSettingsSerializer(services.edm_settings()).data)

    def patch(self, request):
        serializer = EdmSettingsSerializer(services.edm_settings(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        config = services.save_settings(by=request.user, **serializer.validated_data)
        return Response(EdmSettingsSerializer(config).data)


class TestSentSerializer(serializers.Serializer):
    sent_to = serializers.EmailField()


class TestSendView(APIView):
    """Send a DKIM-signed test e-mail to the Boss's own address, now."""

    permission_classes = [IsBoss]

    @extend_schema(request=None, responses={200: TestSentSerializer})
    def post(self, request):
        try:
            to = services.send_test_email(by=request.user)
        except DjangoValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"sent_to": to})
