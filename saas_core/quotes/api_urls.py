from rest_framework.routers import DefaultRouter

from saas_core.quotes import api

router = DefaultRouter()
router.register("quotes", api.QuoteViewSet, basename="quote")

urlpatterns = router.urls
