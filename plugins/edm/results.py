"""A campaign's results (EDM-01): rates from its counters, per-recipient history, the viewer's scope.

The figures come from the counters raised as events arrive (``tracking``, ``bounces``), never from
counting rows when the page is viewed; the recipient list is one indexed page at a time.
A user sees the campaigns of the senders in their data scope (ROLE-02): a salesperson their own,
a manager their team's, the Boss everyone's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from plugins.edm.models import Campaign, CampaignEvent, CampaignRecipient
from saas_core.org.scope import visible_user_ids

FILTERS = ("opened", "clicked", "bounced", "complained", "failed", "not_opened")


def visible_campaigns(user) -> QuerySet[Campaign]:
    ids = visible_user_ids(user)
    campaigns = Campaign.objects.all()
    return campaigns if ids is None else campaigns.filter(created_by_id__in=sorted(ids))


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


@dataclass(frozen=True)
class Rates:
    open: Decimal | None
    click: Decimal | None
    click_to_open: Decimal | None
    bounce: Decimal | None
    hard_bounce: Decimal | None
    complaint: Decimal | None
    unsubscribe: Decimal | None


def rates(campaign: Campaign) -> Rates:
    """Percentages of the messages sent (click-to-open: of the unique openers)."""
    sent = campaign.sent
    return Rates(open=_rate(campaign.opens_unique, sent), click=_rate(campaign.clicks_unique, sent),
                 click_to_open=_rate(campaign.clicks_unique, campaign.opens_unique),
                 bounce=_rate(campaign.bounces_hard + campaign.bounces_soft, sent),
                 hard_bounce=_rate(campaign.bounces_hard, sent), complaint=_rate(campaign.complaints, sent),
                 unsubscribe=_rate(campaign.unsubscribes, sent))


def recipients(campaign: Campaign, *, q: str = "", show: str = "") -> QuerySet[CampaignRecipient]:
    """The campaign's recipients, searched by address and narrowed to what they did."""
    rows = CampaignRecipient.objects.filter(campaign=campaign).select_related("contact", "customer")
    q = (q or "").strip().lower()
    if q:
        rows = rows.filter(Q(email__contains=q) | Q(contact__name__icontains=q) | Q(customer__name__icontains=q))
    narrowing = {"opened": Q(opened_at__isnull=False), "clicked": Q(clicked_at__isnull=False),
                 "bounced": ~Q(bounce=""), "complained": Q(complained_at__isnull=False),
                 "failed": Q(status__in=("failed", "unknown")), "not_opened": Q(status="sent", opened_at__isnull=True)}
    if show in narrowing:
        rows = rows.filter(narrowing[show])
    return rows.order_by("id")


def history(recipient: CampaignRecipient) -> QuerySet[CampaignEvent]:
    return CampaignEvent.objects.filter(recipient=recipient).order_by("-at", "-id")
