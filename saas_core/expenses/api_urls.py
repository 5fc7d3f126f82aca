from rest_framework.routers import DefaultRouter

from saas_core.expenses import api

router = DefaultRouter()
router.register("expenses", api.ExpenseViewSet, basename="expense")

urlpatterns = router.urls
