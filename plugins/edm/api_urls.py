from django.urls import path
from rest_framework.routers import SimpleRouter

from plugins.edm import api

router = SimpleRouter()
router.register("domains", api.DomainViewSet, basename="edm-domain")
urlpatterns = [
    path("settings/", api.SettingsView.as_view(), name="edm-settings"),
    path("test-send/", api.TestSendView.as_view(), name="edm-test-send"),
    *router.urls,
]
