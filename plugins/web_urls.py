from django.urls import path

from plugins import views

app_name = "modules"

urlpatterns = [
    path("", views.module_list, name="list"),
]
