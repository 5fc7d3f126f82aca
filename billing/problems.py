"""What a company is told when Stripe fails: what is wrong and what to do, never a 500.

Billing operations turn a Stripe failure into a ``PaymentServiceError``: a ValidationError, so a
page shows it next to its form (and keeps the rest of the page) and the API answers with it, with
the HTTP status it deserves (503: Stripe could not be reached or failed; 409: Stripe no longer has
the company's records, which we have forgotten too, so paying again works). The log gets the
Stripe detail; the person gets what to do.
"""

from __future__ import annotations

import logging

import stripe
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


class PaymentServiceError(ValidationError):
    def __init__(self, message: str, *, status: int = 503):
        super().__init__(message, code="payment_service")
        self.status = status


def records_gone() -> PaymentServiceError:
    return PaymentServiceError(
        _("The payment service (Stripe) no longer has this company's card and subscription (for example after "
          "it was reset). Nothing was charged. Enter the card again and choose your plan to continue; your "
          "data and users are not affected."), status=409)


def explain(exc: stripe.StripeError, doing: str) -> PaymentServiceError:
    """The error to show for ``exc``, logged with what we were ``doing``."""
    log.warning("Stripe failed while %s: %s: %s", doing, type(exc).__name__, exc)
    if isinstance(exc, stripe.CardError):
        return PaymentServiceError(_("The payment failed: %(reason)s Enter another card and try again.")
                                   % {"reason": exc.user_message or _("the card was declined.")}, status=402)
    if isinstance(exc, stripe.APIConnectionError):
        message = _("The payment service (Stripe) could not be reached, so nothing was changed. Try again in a few "
                    "minutes.")
    elif isinstance(exc, (stripe.AuthenticationError, stripe.PermissionError)):
        message = _("The payment service (Stripe) refused this installation's credentials, so nothing was "
                    "changed. Please tell the service provider.")
    else:
        message = _("The payment service (Stripe) could not complete this, so nothing was changed. Try again in a "
                    "few minutes; if it keeps happening, please tell the service provider.")
    return PaymentServiceError(message)
