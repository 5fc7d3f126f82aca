from django.urls import path

from saas_core.system import views

app_name = "system"

urlpatterns = [
    path("settings/", views.system_settings, name="settings"),
]
