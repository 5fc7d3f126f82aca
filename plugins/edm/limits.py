"""Auto-pause (EDM-01): a campaign whose error, hard-bounce or complaint rate crosses its limit
stops sending, with the reason shown on its page.

A high hard-bounce rate means a stale list, a high complaint rate means people did not ask for
the mail: both get a sending domain blocked by the mailbox providers, so the campaign is paused
before the damage spreads (the Boss may resume it). Rates are read from the campaign's counters
and judged once ``min_sample()`` messages are out (two bounces of the first ten say little).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from plugins.edm.models import Campaign

ERROR_LIMIT = Decimal("0.10")
HARD_BOUNCE_LIMIT = Decimal("0.05")
COMPLAINT_LIMIT = Decimal("0.003")


def min_sample() -> int:
    return int(getattr(settings, "EDM_AUTO_PAUSE_MIN_SENT", 100))


@dataclass(frozen=True)
class Breach:
    code: str
    rate: Decimal
    limit: Decimal

    def reason(self) -> str:
        names = {"errors": _("error rate"), "hard_bounces": _("hard-bounce rate"),
                 "complaints": _("complaint rate")}
        return (_("Paused automatically: the %(what)s is %(rate)s%%, above the limit of %(limit)s%%. Clean the list "
                  "or check the server, then resume.")
                % {"what": names[self.code], "rate": _pct(self.rate), "limit": _pct(self.limit)})


def _pct(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.01')).normalize():f}"


def breach(campaign: Campaign) -> Breach | None:
    """The first limit this campaign's counters cross, if any."""
    attempted = campaign.sent + campaign.failed
    if attempted >= min_sample() and campaign.failed / Decimal(attempted) > ERROR_LIMIT:
        return Breach("errors", campaign.failed / Decimal(attempted), ERROR_LIMIT)
    if campaign.sent < min_sample():
        return None
    for code, value, limit in (("hard_bounces", campaign.bounces_hard, HARD_BOUNCE_LIMIT),
                               ("complaints", campaign.complaints, COMPLAINT_LIMIT)):
        rate = value / Decimal(campaign.sent)
        if rate >= limit:
            return Breach(code, rate, limit)
    return None


def check(campaign_id: int) -> Breach | None:
    """Pause the campaign (if it is sending) when a rate crosses its limit; the breach found."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    found = breach(campaign) if campaign is not None and campaign.auto_pause else None
    if found is not None:
        Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING, auto_pause=True).update(
            status=Campaign.Status.PAUSED, pause_reason=found.reason()[:300], auto_paused=True)
    return found
