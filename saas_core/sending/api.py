"""The suppression list under ``/api/v1/suppression/``: list (search, filter by channel and
reason), add (idempotent: the entry already there comes back), show, lift (DELETE)."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from saas_core.org.access import ModulePermission
from saas_core.sending import suppression
from saas_core.sending.models import Channel, Reason, Suppression


class SuppressionSerializer(serializers.ModelSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    reason = serializers.ChoiceField(choices=Reason.choices, default=Reason.MANUAL)
    address = serializers.CharField(max_length=254)

    class Meta:
        model = Suppression
        fields = ["id", "channel", "address", "reason", "note", "source", "created_at"]
        read_only_fields = ["source", "created_at"]

    def create(self, validated_data):
        return suppression.suppress(by=self.context["request"].user, **validated_data)


class SuppressionViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                         mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = SuppressionSerializer
    permission_classes = [ModulePermission]
    permission_module = suppression.MODULE
    search_fields = ["address", "note", "source"]
    ordering_fields = ["address", "created_at"]

    def get_queryset(self):
        params = self.request.query_params
        channel = params.get("channel", "")
        reason = params.get("reason", "")
        return suppression.entries(channel if channel in Channel.values else "",
                                   reason=reason if reason in Reason.values else "")

    def perform_destroy(self, instance):
        suppression.lift(instance, by=self.request.user)
