"""The company's subscription state in one sentence, wherever the trial used to be shown.

"Trial until …" stayed on the workbench after paying, because the page read ``trial_ends_at``
(which stays set) instead of the state. ``state_of`` reads the one state (``Tenant.status``, the
vendor's hold, the paid period) and says what it means and until when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from billing.models import Subscription
from tenants import lifecycle
from tenants.models import Tenant

S = Tenant.Status


@dataclass(frozen=True)
class SubscriptionState:
    kind: str  # a Tenant.Status value, "ending" (active, cancelled at period end) or "suspended"
    until: datetime | None

    @property
    def text(self) -> str:
        date = date_format(timezone.localtime(self.until), "DATE_FORMAT") if self.until else ""
        if self.kind == "suspended":
            return _("Suspended by the service provider.")
        if not date:
            return {S.TRIALING: _("Trial."), S.ACTIVE: _("Subscription active."), "ending": _("Subscription active."),
                    S.PAST_DUE: _("A payment is overdue."), S.READ_ONLY: _("Read-only: a payment is overdue."),
                    S.CANCELLED: _("Subscription cancelled.")}.get(self.kind, "")
        return {
            S.TRIALING: _("Trial until %(date)s."),
            S.ACTIVE: _("Subscription active; next renewal on %(date)s."),
            "ending": _("Subscription active until %(date)s; it ends then."),
            S.PAST_DUE: _("A payment is overdue: pay by %(date)s to keep full access."),
            S.READ_ONLY: _("Read-only: a payment is overdue. Pay before %(date)s, when the subscription is cancelled."),
            S.CANCELLED: _("Subscription cancelled; the data is kept until %(date)s."),
        }.get(self.kind, "") % {"date": date}


def state_of(tenant: Tenant) -> SubscriptionState:
    if tenant.suspended_at is not None:
        return SubscriptionState("suspended", None)
    if tenant.status == S.ACTIVE:
        subscription = Subscription.objects.filter(tenant_id=tenant.pk).only(
            "current_period_end", "cancel_at_period_end").first()
        if subscription is None:
            return SubscriptionState(S.ACTIVE, None)
        kind = "ending" if subscription.cancel_at_period_end else S.ACTIVE
        return SubscriptionState(kind, subscription.current_period_end)
    return SubscriptionState(tenant.status, lifecycle.deadline(tenant))
