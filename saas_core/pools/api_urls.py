"""REST endpoints, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from saas_core.pools.api import PoolViewSet, ReclaimRuleViewSet

router = SimpleRouter()
router.register("pools", PoolViewSet, basename="pool")
router.register("pool-rules", ReclaimRuleViewSet, basename="pool-rule")
urlpatterns = router.urls
