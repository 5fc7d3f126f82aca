"""The inventory API under ``/api/v1/inventory/`` (a JSON 404 where the module is off).

Warehouses, the stock (from the balance table; cost and value only with the "see cost price"
right), the ledger (read-only), stock documents (create a draft, ``confirm`` by a keeper of its
warehouse, ``cancel``) and one-step transfers. The same services as the pages: a rule broken is
a 400 with a field map (``lines.<i>.quantity``), never a 500.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from plugins.inventory import access, queries, services
from plugins.inventory.models import Balance, Document, DocumentLine, Move, Warehouse
from saas_core.accounts.models import User
from saas_core.org.access import ModulePermission

MODULE = access.MODULE


def _service(call):
    """A service's ValidationError as DRF's 400 with the same field map."""
    try:
        return call()
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}) from exc


class WarehouseSerializer(serializers.ModelSerializer):
    keepers = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.filter(is_active=True),
                                                 required=False)

    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "address", "keepers", "active"]
        # The service says which field clashes, in the user's language.
        extra_kwargs = {"code": {"validators": []}, "name": {"validators": []}}

    def _save(self, instance, data):
        keepers = data.pop("keepers", list(instance.keepers.all()) if instance else [])
        merged = {"code": getattr(instance, "code", ""), "name": getattr(instance, "name", ""),
                  "address": getattr(instance, "address", ""), "active": getattr(instance, "active", True), **data}
        return _service(lambda: services.save_warehouse(by=self.context["request"].user, warehouse=instance,
                                                        keepers=keepers, **merged))

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class WarehouseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = WarehouseSerializer
    permission_classes = [ModulePermission]
    permission_module = MODULE

    def get_queryset(self):
        return services.warehouses_for(self.request.user)


class StockSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    warehouse_name = serializers.CharField(source="warehouse.name", read_only=True)

    class Meta:
        model = Balance
        fields = ["id", "product", "product_code", "product_name", "warehouse", "warehouse_name", "quantity",
                  "unit_cost", "value", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("sees_cost"):
            data.pop("unit_cost"), data.pop("value")
        return data


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


class CostAware:
    """The inventory permission module, and whether the user sees costs, for the serializers."""

    permission_classes = [ModulePermission]
    permission_module = MODULE

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "sees_cost": access.sees_cost(self.request.user)}


class StockViewSet(CostAware, viewsets.ReadOnlyModelViewSet):
    """``?warehouse=<id>&product=<id>&q=<search>&nonzero=1``; cost and value only with the right."""

    serializer_class = StockSerializer

    def get_queryset(self):
        p = self.request.query_params
        return queries.stock(q=p.get("q", ""), warehouse=_int(p.get("warehouse")), product=_int(p.get("product")),
                             nonzero=p.get("nonzero") in ("1", "true"))


class MoveSerializer(serializers.ModelSerializer):
    document_number = serializers.CharField(source="document.number", read_only=True)

    class Meta:
        model = Move
        fields = ["id", "kind", "product", "warehouse", "quantity", "quantity_after", "unit_cost", "value",
                  "value_after", "document", "document_number", "reverses", "occurred_at", "posted_at", "posted_by"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("sees_cost"):
            for key in ("unit_cost", "value", "value_after"):
                data.pop(key)
        return data


class MoveViewSet(CostAware, viewsets.ReadOnlyModelViewSet):
    """The ledger, newest first: ``?warehouse=&product=&kind=&q=``. Read-only (append-only ledger)."""

    serializer_class = MoveSerializer

    def get_queryset(self):
        p = self.request.query_params
        return queries.ledger(q=p.get("q", ""), warehouse=_int(p.get("warehouse")), product=_int(p.get("product")),
                              kind=p.get("kind", "") if p.get("kind") in Move.Kind.values else "")


class LineSerializer(serializers.ModelSerializer):
    product = serializers.IntegerField(source="product_id")
    quantity = serializers.CharField()
    unit_cost = serializers.CharField(required=False, allow_null=True, allow_blank=True)

    class Meta:
        model = DocumentLine
        fields = ["id", "position", "product", "quantity", "unit_cost", "book_quantity", "order_line"]
        read_only_fields = ["id", "position", "book_quantity", "order_line"]


class DocumentSerializer(serializers.ModelSerializer):
    lines = LineSerializer(many=True)
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.filter(active=True))
    to_warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.filter(active=True), required=False,
                                                      allow_null=True)

    class Meta:
        model = Document
        fields = ["id", "number", "kind", "status", "warehouse", "to_warehouse", "order", "note", "occurred_at",
                  "lines", "created_by", "created_at", "posted_by", "posted_at"]
        read_only_fields = ["number", "status", "order", "created_by", "created_at", "posted_by", "posted_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("sees_cost"):
            for line in data["lines"]:
                line.pop("unit_cost", None)
        return data

    def create(self, validated_data):
        lines = [services.LineIn(ln["product_id"], ln["quantity"], ln.get("unit_cost"))
                 for ln in validated_data.pop("lines")]
        return _service(lambda: services.create_document(by=self.context["request"].user, lines=lines,
                                                         **validated_data))


class DocumentViewSet(CostAware, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    """Stock documents (keepers see their warehouses'); ``POST {id}/confirm/`` posts, ``{id}/cancel/``
    drops a draft, ``{id}/undo/`` (the Boss) reverses a posted one."""

    serializer_class = DocumentSerializer
    permission_action = {"confirm": "edit", "cancel": "edit", "undo": "view"}

    def get_queryset(self):
        rows = queries.documents_for(self.request.user).prefetch_related("lines")
        p = self.request.query_params
        if p.get("kind") in Document.Kind.values:
            rows = rows.filter(kind=p["kind"])
        if p.get("status") in Document.Status.values:
            rows = rows.filter(status=p["status"])
        return rows

    @extend_schema(request=None, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        doc = _service(lambda: services.confirm(self.get_object(), by=request.user))
        return Response(self.get_serializer(Document.objects.get(pk=doc.pk)).data)

    @extend_schema(request=None, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        """The Boss undoes a posted document (reversal moves)."""
        doc = _service(lambda: services.undo(self.get_object(), by=request.user))
        return Response(self.get_serializer(Document.objects.get(pk=doc.pk)).data)

    @extend_schema(request=None, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        doc = _service(lambda: services.cancel(self.get_object(), by=request.user))
        return Response(self.get_serializer(doc).data)


class TransferInput(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.filter(active=True))
    destination = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.filter(active=True))
    lines = LineSerializer(many=True)
    note = serializers.CharField(required=False, allow_blank=True)


class TransferView(APIView):
    """``POST /api/v1/inventory/transfers/``: a one-step transfer by a keeper of the source warehouse."""

    permission_classes = [ModulePermission]
    permission_module = MODULE

    @extend_schema(request=TransferInput, responses=DocumentSerializer)
    def post(self, request):
        data = TransferInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        lines = [services.LineIn(ln["product_id"], ln["quantity"]) for ln in v["lines"]]
        doc = _service(lambda: services.transfer(by=request.user, source=v["source"], destination=v["destination"],
                                                 lines=lines, note=v.get("note", "")))
        context = {"request": request, "sees_cost": access.sees_cost(request.user)}
        return Response(DocumentSerializer(doc, context=context).data, status=status.HTTP_201_CREATED)


class AssetsView(APIView):
    """``GET /api/v1/inventory/assets/?warehouse=<id>``: the stock assets report (needs the
    "see cost price" right): per warehouse and category, products, quantity and value."""

    permission_classes = [ModulePermission]
    permission_module = MODULE

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, description="Rows: warehouse, warehouse_name, category, products, quantity, value.")
    def get(self, request):
        from rest_framework.exceptions import PermissionDenied

        if not access.sees_cost(request.user):
            raise PermissionDenied("The stock assets report shows costs: your role may not see cost prices.")
        rows = queries.assets(warehouse=_int(request.query_params.get("warehouse")))
        return Response([{"warehouse": r["warehouse_id"], "warehouse_name": r["warehouse__name"],
                          "category": r["product__category_id"], "category_name": r["product__category__name"],
                          "products": r["products"], "quantity": str(r["quantity"]), "value": str(r["value"])}
                         for r in rows])
