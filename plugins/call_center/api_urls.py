from rest_framework.routers import SimpleRouter

from plugins.call_center import api

router = SimpleRouter()
router.register("calls", api.CallViewSet, basename="call")
urlpatterns = router.urls
