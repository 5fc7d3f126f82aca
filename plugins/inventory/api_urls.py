from django.urls import path
from rest_framework.routers import SimpleRouter

from plugins.inventory import api

router = SimpleRouter()
router.register("warehouses", api.WarehouseViewSet, basename="inventory-warehouse")
router.register("stock", api.StockViewSet, basename="inventory-stock")
router.register("moves", api.MoveViewSet, basename="inventory-move")
router.register("documents", api.DocumentViewSet, basename="inventory-document")
urlpatterns = [
    path("transfers/", api.TransferView.as_view(), name="inventory-transfer"),
    *router.urls,
]
