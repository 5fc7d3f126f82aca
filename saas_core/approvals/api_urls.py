from rest_framework.routers import DefaultRouter

from saas_core.approvals import api

router = DefaultRouter()
router.register("approvals", api.ApprovalViewSet, basename="approval")

urlpatterns = router.urls
