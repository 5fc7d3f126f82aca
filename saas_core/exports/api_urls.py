from django.urls import path

from saas_core.exports import api

urlpatterns = [
    path("company/export/", api.exports, name="api-company-exports"),
    path("company/export/<uuid:token>/", api.export_detail, name="api-company-export"),
    path("company/export/<uuid:token>/download/", api.export_download, name="api-company-export-download"),
]
