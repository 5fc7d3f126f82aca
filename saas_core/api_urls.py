from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from plugins import urls as plugin_urls
from saas_core.accounts import api as accounts_api
from saas_core.api_docs import ApiDocsView

router = DefaultRouter()
router.register("users", accounts_api.UserViewSet, basename="user")
router.register("login-log", accounts_api.LoginAttemptViewSet, basename="login-log")
router.register("me", accounts_api.MeViewSet, basename="me")

urlpatterns = [
    path("auth/token/", accounts_api.obtain_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("docs/", ApiDocsView.as_view(url_name="api-schema", template_name="web/api_docs.html"),
         name="api-docs"),
    path("", include(router.urls)),
    path("", include("saas_core.org.api_urls")),
    path("", include("saas_core.dictionaries.api_urls")),
    path("", include("saas_core.records.api_urls")),
    path("", include("saas_core.announcements.api_urls")),
    path("", include("saas_core.customers.api_urls")),
    path("", include("saas_core.pools.api_urls")),
    path("", include("saas_core.imports.api_urls")),
    path("", include("saas_core.attachments.api_urls")),
    path("", include("saas_core.activities.api_urls")),
    path("", include("saas_core.opportunities.api_urls")),
    path("", include("saas_core.quotes.api_urls")),
    path("", include("saas_core.approvals.api_urls")),
    path("", include("saas_core.contracts.api_urls")),
    path("", include("saas_core.expenses.api_urls")),
    path("", include("saas_core.targets.api_urls")),
    path("", include("saas_core.orders.api_urls")),
    path("", include("saas_core.payments.api_urls")),
    path("", include("saas_core.exports.api_urls")),
    path("", include("saas_core.products.api_urls")),
    path("", include("saas_core.sending.api_urls")),
    path("", include("saas_core.system.api_urls")),
    path("", include("plugins.api_urls")),
    # The installed modules' API at /api/v1/<key>/ (JSON 404 where the module is off).
    *plugin_urls.api_urlpatterns(),
    path("billing/", include("billing.api_urls")),
]
