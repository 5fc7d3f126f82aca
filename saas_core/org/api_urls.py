"""REST endpoints of this app, mounted under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from saas_core.org import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("roles", api.RoleViewSet, basename="role")
router.register("access", api.AccessViewSet, basename="access")

urlpatterns = [path("", include(router.urls))]
