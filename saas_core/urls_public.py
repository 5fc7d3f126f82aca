"""URLs of the public site (``<BASE_DOMAIN>``): signup, the vendor console."""

from django.urls import include, path

from billing.webhooks import stripe_webhook
from web import public_views
from web import views as web_views

urlpatterns = [
    path("", public_views.home, name="public-home"),
    path("signup/", public_views.signup, name="signup"),
    path("signup/check/", public_views.check_subdomain, name="signup-check"),
    path("console/", include("tenants.console.urls")),
    path("api/v1/console/", include("tenants.console.api_urls")),
    path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("i18n/setlang/", web_views.set_language, name="set_language"),
    path("dev/mail/", web_views.dev_mail, name="dev-mail"),  # 404 unless in the dev run (DEV_MAIL_DIR)
]

handler403 = "web.views.permission_denied"
handler404 = "web.views.page_not_found"
handler500 = "saas_core.busy.server_error"  # 503 when the database is busy, else the usual 500
