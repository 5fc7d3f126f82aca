from django.urls import path

from web import views

app_name = "web"

urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
]
