from django.urls import path

from saas_core.targets import views

app_name = "targets"

urlpatterns = [
    path("", views.target_grid, name="grid"),
]
