"""REST endpoints, mounted under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from saas_core.imports.api import ImportJobViewSet

router = SimpleRouter()
router.register("imports", ImportJobViewSet, basename="import")

urlpatterns = [path("", include(router.urls))]
