from django.urls import path
from rest_framework.routers import SimpleRouter

from plugins.sms import api

router = SimpleRouter()
router.register("templates", api.TemplateViewSet, basename="sms-template")
router.register("opt-outs", api.OptOutViewSet, basename="sms-opt-out")
router.register("audiences", api.AudienceViewSet, basename="sms-audience")
router.register("messages", api.MessageViewSet, basename="sms-message")
router.register("batches", api.BatchViewSet, basename="sms-batch")
urlpatterns = [
    path("settings/", api.SettingsView.as_view(), name="sms-settings"),
    path("usage/", api.UsageView.as_view(), name="sms-usage"),
    *router.urls,
]
