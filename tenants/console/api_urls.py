from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from tenants.console import api

urlpatterns = [
    path("auth/token/", api.obtain_token, name="api-console-token"),
    path("tenants/", api.tenants, name="api-console-tenants"),
    path("tenants/<int:pk>/", api.tenant, name="api-console-tenant"),
    path("tenants/<int:pk>/<str:action>/", api.tenant_hold, name="api-console-tenant-hold"),
    path("rollout/", api.rollout_status, name="api-console-rollout"),
    path("plans/", api.plans, name="api-console-plans"),
    path("plans/<int:pk>/", api.plan, name="api-console-plan"),
    path("modules/", api.modules, name="api-console-modules"),
    path("modules/<slug:pk>/", api.module, name="api-console-module"),
    path("settings/", api.settings_, name="api-console-settings"),
    # The console API's own schema (the workspace API's is at /api/v1/schema/ on a workspace host).
    path("schema/", SpectacularAPIView.as_view(
        urlconf="saas_core.urls_public", permission_classes=[api.IsVendorStaff],
        custom_settings={"TITLE": "CRM console API", "DESCRIPTION": "The vendor console's API; call it on the public host."}),
         name="api-console-schema"),
]
