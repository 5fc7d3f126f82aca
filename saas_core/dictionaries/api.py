"""REST endpoints of the data dictionaries (thin over dictionaries.services).

- ``GET /dictionaries/`` the pick-lists (``?search=``, ``?group=``); ``GET /dictionaries/{key}/``
- ``GET /dictionaries/{key}/items/`` its values in order (enabled only; ``?all=1`` for all)
- ``POST /dictionaries/{key}/items/``, ``GET/PUT/PATCH/DELETE /dictionaries/{key}/items/{id}/``
- ``POST /dictionaries/{key}/items/reorder/ {"ids": [...]}``, ``GET .../items/{id}/usage/``

Reading is open to every signed-in user; changing needs the role's right on "organisation".
Deleting a value in use is a 409 whose detail says where it is used.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from saas_core.dictionaries import queries, services
from saas_core.dictionaries.models import DictionaryItem, DictionaryType
from saas_core.dictionaries.permissions import DictionaryPermission
from saas_core.dictionaries.serializers import (
    DictionaryItemSerializer,
    DictionaryTypeSerializer,
    ReorderSerializer,
    UsageSerializer,
)

TRUE = {"1", "true", "yes", "on"}


class InUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This value is in use; disable it instead.")
    default_code = "in_use"


class DictionaryTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The company's pick-lists with their value counts."""

    serializer_class = DictionaryTypeSerializer
    permission_classes = [DictionaryPermission]
    lookup_field = "key"
    lookup_value_regex = r"[-\w]+"
    search_fields = ["key", "name_zh", "name_en"]
    ordering_fields = ["order", "key", "name_zh", "name_en"]

    @extend_schema(parameters=[OpenApiParameter("group", str, enum=DictionaryType.Group.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return queries.types(group=self.request.query_params.get("group", ""))


class DictionaryItemViewSet(viewsets.ModelViewSet):
    """The values of one pick-list, in order. DELETE is refused (409) while records use the value."""

    serializer_class = DictionaryItemSerializer
    permission_classes = [DictionaryPermission]
    pagination_class = None  # one bounded pick-list, always whole
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    permission_action: str | None = None  # set per @action when the method alone does not say it

    @cached_property
    def dictionary_type(self) -> DictionaryType:
        return get_object_or_404(queries.visible_types(), key=self.kwargs["type_key"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DictionaryItem.objects.none()
        every = self.action != "list" or self.request.query_params.get("all", "").lower() in TRUE
        return queries.items(self.dictionary_type, include_inactive=every)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["dictionary_type"] = self.dictionary_type
        return context

    @extend_schema(parameters=[OpenApiParameter("all", bool, description="Include disabled values.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_destroy(self, instance):
        try:
            services.delete_item(instance)
        except services.ItemInUse as exc:
            raise InUse(exc.message) from None

    @extend_schema(request=ReorderSerializer, responses=DictionaryItemSerializer(many=True))
    @action(detail=False, methods=["post"], permission_action="edit")
    def reorder(self, request, type_key=None):
        """Put the values in the order of ``ids``; ids not sent keep their order after them."""
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items = services.reorder_items(self.dictionary_type, serializer.validated_data["ids"])
        return Response(DictionaryItemSerializer(items, many=True, context=self.get_serializer_context()).data)

    @extend_schema(responses=UsageSerializer(many=True))
    @action(detail=True, methods=["get"])
    def usage(self, request, type_key=None, pk=None):
        """Which records use the value (per model, with those in the recycle bin counted apart)."""
        return Response(UsageSerializer(services.usage(self.get_object()), many=True).data)
