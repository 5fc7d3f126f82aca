"""REST endpoints of customers and contacts, mounted under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from saas_core.customers import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("customers", api.CustomerViewSet, basename="customer")
router.register("contacts", api.ContactViewSet, basename="contact")

urlpatterns = [path("", include(router.urls))]
