from rest_framework.routers import DefaultRouter

from saas_core.opportunities import api

router = DefaultRouter()
router.register("opportunities", api.OpportunityViewSet, basename="opportunity")
router.register("opportunity-types", api.OpportunityTypeViewSet, basename="opportunity-type")
router.register("opportunity-stages", api.StageViewSet, basename="opportunity-stage")

urlpatterns = router.urls
