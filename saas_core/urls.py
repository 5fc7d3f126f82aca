"""URLs of a tenant's workspace host (``<subdomain>.<BASE_DOMAIN>``)."""

from django.urls import include, path

from plugins import urls as plugin_urls
from web import views as web_views

urlpatterns = [
    path("", web_views.workbench, name="home"),
    path("", include("web.urls")),
    path("accounts/", include("saas_core.accounts.urls")),
    path("company/export/", include("saas_core.exports.urls")),
    path("company/", include("tenants.urls")),
    path("billing/", include("billing.urls")),
    path("org/", include("saas_core.org.urls")),
    path("dictionaries/", include("saas_core.dictionaries.urls")),
    path("records/", include("saas_core.records.urls")),
    path("announcements/", include("saas_core.announcements.urls")),
    path("customers/", include("saas_core.customers.urls")),
    path("pools/", include("saas_core.pools.urls")),
    path("imports/", include("saas_core.imports.urls")),
    path("attachments/", include("saas_core.attachments.urls")),
    path("activities/", include("saas_core.activities.urls")),
    path("products/", include("saas_core.products.urls")),
    path("system/", include("saas_core.system.urls")),
    path("sending/", include("saas_core.sending.urls")),
    path("opportunities/", include("saas_core.opportunities.urls")),
    path("quotes/", include("saas_core.quotes.urls")),
    path("approvals/", include("saas_core.approvals.urls")),
    path("contracts/", include("saas_core.contracts.urls")),
    path("expenses/", include("saas_core.expenses.urls")),
    path("targets/", include("saas_core.targets.urls")),
    path("orders/", include("saas_core.orders.urls")),
    path("payments/", include("saas_core.payments.urls")),
    path("modules/", include("plugins.web_urls")),
    path("api/v1/", include("saas_core.api_urls")),
    # The installed modules' pages at /<key>/ (404 where the module is off: plugins.gate).
    *plugin_urls.web_urlpatterns(),
    path("i18n/setlang/", web_views.set_language, name="set_language"),
]

handler403 = "web.views.permission_denied"
handler404 = "web.views.page_not_found"
handler500 = "saas_core.busy.server_error"  # 503 when the database is busy, else the usual 500
