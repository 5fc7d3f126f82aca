"""The purchasing API under ``/api/v1/inventory/``: ``suppliers/``, ``purchase-orders/`` (create a
draft; ``{id}/place/``, ``{id}/receive/`` with ``{"quantities": {line id: quantity}}``, ``{id}/cancel/``;
each line carries the supplier's past prices) and ``purchase-summary/``. The same services as the
pages; a rule broken is a 400 with a field map."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from plugins.inventory import access, purchasing
from plugins.inventory.api import DocumentSerializer, _service
from plugins.inventory.models import PurchaseLine, PurchaseOrder, Supplier, Warehouse
from saas_core.org.access import ModulePermission

MODULE = purchasing.MODULE


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "code", "name", "contact_name", "phone", "address", "remark", "active"]
        extra_kwargs = {"name": {"validators": []}}

    def _save(self, instance, data):
        fields = {f: getattr(instance, f) for f in self.Meta.fields if f != "id"} if instance else {}
        return _service(lambda: purchasing.save_supplier(by=self.context["request"].user, supplier=instance,
                                                         **{**fields, **data}))

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class SupplierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = SupplierSerializer
    permission_classes = [ModulePermission]
    permission_module = MODULE
    queryset = Supplier.objects.order_by("name", "id")


class PurchaseLineSerializer(serializers.ModelSerializer):
    product = serializers.IntegerField(source="product_id")
    quantity = serializers.CharField()
    unit_price = serializers.CharField()
    past_prices = serializers.SerializerMethodField()

    class Meta:
        model = PurchaseLine
        fields = ["id", "position", "product", "quantity", "unit_price", "total", "received", "past_prices"]
        read_only_fields = ["id", "position", "total", "received"]

    def get_past_prices(self, line) -> list[dict]:
        prices = self.context.get("past_prices") or {}
        return [{"price": str(p["price"]), "on": p["on"].isoformat(), "number": p["number"]}
                for p in prices.get(line.product_id, [])]


class PurchaseOrderSerializer(serializers.ModelSerializer):
    lines = PurchaseLineSerializer(many=True)
    supplier = serializers.PrimaryKeyRelatedField(queryset=Supplier.objects.filter(active=True))
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.filter(active=True))

    class Meta:
        model = PurchaseOrder
        fields = ["id", "number", "supplier", "warehouse", "status", "ordered_on", "note", "total", "owner", "lines",
                  "created_at"]
        read_only_fields = ["number", "status", "ordered_on", "total", "owner", "created_at"]

    def create(self, validated_data):
        lines = [purchasing.PurchaseLineIn(ln["product_id"], ln["quantity"], ln["unit_price"])
                 for ln in validated_data.pop("lines")]
        return _service(lambda: purchasing.create_purchase_order(by=self.context["request"].user, lines=lines,
                                                                 **validated_data))


class ReceiveInput(serializers.Serializer):
    quantities = serializers.DictField(child=serializers.CharField(), help_text="purchase line id → quantity")


class PurchaseOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                           viewsets.GenericViewSet):
    serializer_class = PurchaseOrderSerializer
    permission_classes = [ModulePermission]
    permission_module = MODULE
    permission_action = {"place": "edit", "receive": "edit", "cancel": "edit"}

    def get_queryset(self):
        return purchasing.purchase_orders_for(self.request.user).prefetch_related("lines")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "action", None) == "retrieve" and self.kwargs.get("pk", "").isdigit():
            order = PurchaseOrder.objects.filter(pk=self.kwargs["pk"]).select_related("supplier").first()
            if order is not None:
                context["past_prices"] = purchasing.past_prices(
                    order.supplier, order.lines.values_list("product_id", flat=True), exclude=order.pk)
        return context

    def _answer(self, order):
        return Response(self.get_serializer(PurchaseOrder.objects.get(pk=order.pk)).data)

    @extend_schema(request=None, responses=PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def place(self, request, pk=None):
        return self._answer(_service(lambda: purchasing.place(self.get_object(), by=request.user)))

    @extend_schema(request=None, responses=PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._answer(_service(lambda: purchasing.cancel(self.get_object(), by=request.user)))

    @extend_schema(request=ReceiveInput, responses={201: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        data = ReceiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        quantities = {int(k): v for k, v in data.validated_data["quantities"].items() if str(k).isdigit()}
        receipt = _service(lambda: purchasing.receive(self.get_object(), quantities, by=request.user))
        context = {"request": request, "sees_cost": access.sees_cost(request.user)}
        return Response(DocumentSerializer(receipt, context=context).data, status=status.HTTP_201_CREATED)


class PurchaseSummaryView(APIView):
    """``GET /api/v1/inventory/purchase-summary/``: received goods by month, supplier and category
    (amounts only with the "see cost price" right)."""

    permission_classes = [ModulePermission]
    permission_module = MODULE

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, description="Rows: month, supplier, category, quantity, amount (with the right).")
    def get(self, request):
        sees_cost = access.sees_cost(request.user)
        return Response([{
            "month": r["month"].date().isoformat() if r["month"] else None,
            "supplier": r["document__purchase_order__supplier__name"], "category": r["product__category__name"],
            "quantity": str(r["quantity"]), **({"amount": f"{r['amount']:.2f}"} if sees_cost else {}),
        } for r in purchasing.summary()])
