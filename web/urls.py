from django.urls import path

from saas_core.regions import views as regions
from web import views

app_name = "web"

urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
    path("regions.json", regions.picker_data, name="regions"),
]
