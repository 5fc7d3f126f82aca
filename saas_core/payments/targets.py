"""The payment amount as a sales-target measure (TGT-01): Σ confirmed payments by owner and the
month received (payments.services.received_by_owner_month, one SQL aggregate)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saas_core.payments.services import received_by_owner_month
from saas_core.targets.measures import Measure, register

register(Measure("payment_amount", _("Payment amount"), actuals=received_by_owner_month, order=10))
