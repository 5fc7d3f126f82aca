from django.urls import path

from saas_core.system import api

urlpatterns = [
    path("system-settings/", api.SystemSettingsView.as_view(), name="system-settings"),
]
