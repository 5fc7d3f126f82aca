"""Read-only workspaces (unpaid, or an upgrade of the schema failed): reads and exports work,
writes are refused with the reason and the fix.

A workspace the vendor has suspended refuses everything (sign-in included) with the reason.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tenants import lifecycle, upgrade

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What a read-only workspace still posts to: signing in and out, paying, exporting, language.
ALLOWED_PREFIXES = (
    "/accounts/login", "/accounts/logout", "/accounts/welcome", "/billing/", "/api/v1/billing/",
    "/api/v1/auth/token/", "/i18n/", "/company/export", "/api/v1/company/export",
    # an unsubscribe always works, and providers' reports (bounces, complaints) still suppress
    "/sending/unsubscribe/", "/sending/callbacks/",
)
# What a suspended workspace still answers: the language switch and signing out.
SUSPENDED_PREFIXES = ("/i18n/", "/accounts/logout", "/sending/unsubscribe/")


class ReadOnlyWorkspaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
            return self.get_response(request)
        if tenant.suspended_at is not None and not request.path.startswith(SUSPENDED_PREFIXES):
            return _refuse(request, lifecycle.suspended_message(), "suspended", _("This workspace is suspended"))
        if request.method not in SAFE_METHODS and not request.path.startswith(ALLOWED_PREFIXES):
            if not lifecycle.may_write(tenant):
                return _refuse(request, lifecycle.refusal_message(tenant), "read_only")
            if upgrade.is_held(tenant):  # its schema is half-way between two versions of the code
                return _refuse(request, upgrade.held_message(), "read_only")
        return self.get_response(request)


def _refuse(request, message: str, code: str, heading: str = ""):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {}, "code": code}, status=403)
    return render(request, "web/403.html", {"message": message, "read_only": True, "heading": heading}, status=403)


class PaymentServiceErrorMiddleware:
    """The last guard: a Stripe error no billing operation caught becomes a page (or JSON) saying
    what is wrong and what to do, with 503, never a 500. Logged with its traceback, because it means
    a Stripe call somewhere is not guarded by ``billing.services.stripe_guarded``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        import stripe

        from billing import problems

        if not isinstance(exception, stripe.StripeError):
            return None
        logging.getLogger(__name__).error("unguarded Stripe error on %s", request.path, exc_info=exception)
        message = problems.explain(exception, f"answering {request.path}").messages[0]
        if request.path.startswith("/api/") or request.path.startswith("/stripe/"):
            response = JsonResponse({"detail": message, "errors": {}, "code": "payment_service"}, status=503)
        else:
            response = render(request, "billing/payment_service.html", {"message": message}, status=503)
        response["Retry-After"] = "60"
        return response
