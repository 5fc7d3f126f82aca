from django.urls import path

from saas_core.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<uuid:token>/progress/", views.progress, name="progress"),
    path("<uuid:token>/download/", views.download, name="download"),
]
