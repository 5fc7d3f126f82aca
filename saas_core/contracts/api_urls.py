from rest_framework.routers import DefaultRouter

from saas_core.contracts import api

router = DefaultRouter()
router.register("contracts", api.ContractViewSet, basename="contract")

urlpatterns = router.urls
