from django.urls import path

from tenants.console import api

urlpatterns = [
    path("auth/token/", api.obtain_token, name="api-console-token"),
    path("tenants/", api.tenants, name="api-console-tenants"),
    path("tenants/<int:pk>/", api.tenant, name="api-console-tenant"),
    path("tenants/<int:pk>/<str:action>/", api.tenant_hold, name="api-console-tenant-hold"),
    path("rollout/", api.rollout_status, name="api-console-rollout"),
    path("plans/", api.catalogue_items, {"kind": "plans"}, name="api-console-plans"),
    path("plans/<int:pk>/", api.catalogue_item, {"kind": "plans"}, name="api-console-plan"),
    path("modules/", api.catalogue_items, {"kind": "modules"}, name="api-console-modules"),
    path("modules/<slug:pk>/", api.catalogue_item, {"kind": "modules"}, name="api-console-module"),
    path("settings/", api.settings_, name="api-console-settings"),
]
