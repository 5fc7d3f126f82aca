from django.urls import path
from rest_framework.routers import SimpleRouter

from plugins.inventory import api, purchase_api

router = SimpleRouter()
router.register("warehouses", api.WarehouseViewSet, basename="inventory-warehouse")
router.register("stock", api.StockViewSet, basename="inventory-stock")
router.register("moves", api.MoveViewSet, basename="inventory-move")
router.register("documents", api.DocumentViewSet, basename="inventory-document")
router.register("suppliers", purchase_api.SupplierViewSet, basename="inventory-supplier")
router.register("purchase-orders", purchase_api.PurchaseOrderViewSet, basename="inventory-purchase-order")
urlpatterns = [
    path("transfers/", api.TransferView.as_view(), name="inventory-transfer"),
    path("assets/", api.AssetsView.as_view(), name="inventory-assets"),
    path("purchase-summary/", purchase_api.PurchaseSummaryView.as_view(), name="inventory-purchase-summary"),
    *router.urls,
]
