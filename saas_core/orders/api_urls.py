from rest_framework.routers import DefaultRouter

from saas_core.orders import api

router = DefaultRouter()
router.register("orders", api.OrderViewSet, basename="order")

urlpatterns = router.urls
