from django.urls import path

from plugins import api

urlpatterns = [
    path("modules/", api.module_list, name="api-modules"),
]
