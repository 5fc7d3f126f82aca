from django.urls import path

from saas_core.targets import api

urlpatterns = [
    path("targets/", api.TargetGridView.as_view(), name="targets"),
    path("targets/progress/", api.ProgressView.as_view(), name="target-progress"),
]
