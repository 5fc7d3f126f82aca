"""REST endpoints of the sending core, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from saas_core.sending import api

router = SimpleRouter()
router.register("suppression", api.SuppressionViewSet, basename="suppression")

urlpatterns = router.urls
