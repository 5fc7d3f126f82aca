from django.urls import path

from web import views

app_name = "web"

urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggest, name="search_suggest"),
]
