from django.urls import path

from saas_core.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/<slug:kind>/", views.upload, name="upload"),
    path("template/<slug:kind>.xlsx", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/map/", views.mapping, name="map"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/status.json", views.status, name="status"),
    path("<int:pk>/report.xlsx", views.report, name="report"),
    path("<int:pk>/file", views.original, name="file"),
    # The customer list's "Export" button links here with the list's query string; customers.urls
    # may also mount saas_core.customers.exporters.export_customers at /customers/export.xlsx.
    path("export/<slug:key>.xlsx", views.export, name="export"),
]
