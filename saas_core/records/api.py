"""The recycle bin and data log over the API, with the web app's rules."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from saas_core.records import bin as recycle_bin
from saas_core.records.history import history_of
from saas_core.records.models import BinEntry
from saas_core.records.registry import record_type_by_key
from saas_core.records.views import _may_purge


class BinEntrySerializer(serializers.ModelSerializer):
    type = serializers.SerializerMethodField()
    deleted_by = serializers.StringRelatedField()

    class Meta:
        model = BinEntry
        fields = ["id", "type", "object_id", "label", "dependants", "deleted_at", "deleted_by"]

    def get_type(self, entry) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"


class BinViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Entries the user may restore; DELETE purges (Boss only); POST …/restore/ restores."""

    serializer_class = BinEntrySerializer
    queryset = BinEntry.objects.none()  # for the schema only (typed ids); get_queryset() scopes

    def get_queryset(self):
        allowed = [e.pk for e in recycle_bin.visible_entries(self.request.user)]
        return BinEntry.objects.filter(pk__in=allowed).select_related("content_type", "deleted_by")

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        try:
            recycle_bin.restore(self.get_object(), by=request.user)
        except recycle_bin.EntryGone as exc:
            return _gone(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def destroy(self, request, *args, **kwargs):
        try:
            return super().destroy(request, *args, **kwargs)
        except recycle_bin.EntryGone as exc:
            return _gone(exc)

    def perform_destroy(self, instance):
        if not _may_purge(self.request.user):
            raise PermissionDenied(_("Only the Boss may delete records for good."))
        recycle_bin.purge(instance, by=self.request.user)


def _gone(exc: recycle_bin.EntryGone) -> Response:
    """Someone else restored or purged the entry meanwhile: a conflict, not bad input."""
    return Response({"detail": " ".join(exc.messages), "errors": {}}, status=status.HTTP_409_CONFLICT)


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class LogEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    user = serializers.CharField(allow_null=True)
    changes = ChangeSerializer(many=True)


@extend_schema(responses=LogEntrySerializer(many=True))
@api_view(["GET"])
def record_history(request, key: str, pk: int):
    """A business record's data log (Boss only)."""
    if not getattr(request.user, "is_boss", False):
        raise PermissionDenied(_("Only the Boss may read the data log."))
    rt = record_type_by_key(key)
    obj = rt.model.all_objects.filter(pk=pk).first() if rt else None
    if obj is None:
        raise Http404
    rows = [
        {"at": e.at, "action": e.action, "user": str(e.user) if e.user else None,
         "changes": [c.__dict__ for c in e.changes]}
        for e in history_of(obj)
    ]
    return Response(LogEntrySerializer(rows, many=True).data)
