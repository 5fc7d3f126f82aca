from rest_framework.routers import DefaultRouter

from saas_core.payments import api

router = DefaultRouter()
router.register("payment-plans", api.PlanViewSet, basename="payment-plan")
router.register("payment-records", api.RecordViewSet, basename="payment-record")
router.register("invoices", api.InvoiceViewSet, basename="invoice")

urlpatterns = router.urls
