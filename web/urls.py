from django.urls import path

from saas_core.regions import views as regions
from web import views

app_name = "web"

urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggest, name="search_suggest"),
    path("regions.json", regions.picker_data, name="regions"),
]
