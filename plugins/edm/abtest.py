"""A/B tests (EDM-01): up to 4 subject or content variants on a share of the audience; the winner,
by unique opens or clicks after a wait, goes to the rest.

Still exactly once per recipient: the whole audience is snapshotted at the start as for any
campaign (one row per address); a random ``ab_share`` of the rows gets the variants in turn, the
others are ``held`` (claimed by no run). When the wait is over, one conditional UPDATE (testing →
sending) chooses the winner, so two ticks cannot both; the held rows get the winner and are
released to the normal sending run, which sends each row once (``campaigns``).
"""

from __future__ import annotations

import string
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from plugins.edm import tracking
from plugins.edm.models import Campaign, CampaignRecipient, CampaignVariant, EmailTemplate
from saas_core.org.access import require

MODULE = "edm"
MAX_VARIANTS = 4
LABELS = string.ascii_uppercase[:MAX_VARIANTS]


def _editable(campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
        raise ValidationError(_("This campaign has started already; its test cannot change."))
    return campaign


@transaction.atomic
def add_variant(campaign: Campaign, *, by, subject: str = "", template: EmailTemplate | None = None) -> CampaignVariant:
    """Add a variant (another subject, another template's content, or both). The first one added
    makes the campaign's own subject and template variant A."""
    require(by, MODULE, "create")
    campaign = _editable(campaign)
    template = template or campaign.template
    if not template.is_active:
        raise ValidationError({"template": [_("This template is archived; choose another.")]})
    subject = (subject or "").strip() or template.subject
    existing = list(CampaignVariant.objects.filter(campaign=campaign))
    if not existing:
        existing.append(CampaignVariant.objects.create(campaign=campaign, label="A", subject=campaign.template.subject,
                                                       template=campaign.template))
    if len(existing) >= MAX_VARIANTS:
        raise ValidationError(_("A test has at most %(n)s variants.") % {"n": MAX_VARIANTS})
    if any(v.subject == subject and v.template_id == template.pk for v in existing):
        raise ValidationError({"subject": [_("A variant with this subject and content exists already.")]})
    variant = CampaignVariant.objects.create(campaign=campaign, label=LABELS[len(existing)], subject=subject[:200],
                                             template=template)
    if not campaign.ab_share:
        Campaign.objects.filter(pk=campaign.pk).update(ab_share=20)
    return variant


@transaction.atomic
def configure(campaign: Campaign, *, by, share: int, metric: str, wait_hours: int) -> None:
    require(by, MODULE, "create")
    campaign = _editable(campaign)
    if not 1 <= int(share) <= 100:
        raise ValidationError({"ab_share": [_("The test share is a percentage from 1 to 100.")]})
    if metric not in ("opens", "clicks"):
        raise ValidationError({"ab_metric": [_("Choose unique opens or unique clicks.")]})
    if not 1 <= int(wait_hours) <= 168:
        raise ValidationError({"ab_wait_hours": [_("Wait between 1 and 168 hours.")]})
    Campaign.objects.filter(pk=campaign.pk).update(ab_share=share, ab_metric=metric, ab_wait_hours=wait_hours)


@transaction.atomic
def remove_variants(campaign: Campaign, *, by) -> None:
    require(by, MODULE, "create")
    campaign = _editable(campaign)
    CampaignVariant.objects.filter(campaign=campaign).delete()
    Campaign.objects.filter(pk=campaign.pk).update(ab_share=0)


def is_test(campaign: Campaign) -> bool:
    return campaign.ab_share > 0 and CampaignVariant.objects.filter(campaign=campaign).count() >= 2


SPLIT_SQL = """
WITH picked AS (
    SELECT id, row_number() OVER (ORDER BY random()) - 1 AS n FROM edm_campaignrecipient WHERE campaign_id = %s)
UPDATE edm_campaignrecipient r
SET held = p.n >= %s,
    variant_id = CASE WHEN p.n < %s THEN (%s::bigint[])[(p.n %% %s) + 1] END
FROM picked p WHERE r.id = p.id
"""


def split(campaign: Campaign, recipients: int) -> int:
    """At the start (in its transaction): fix each variant's content, give the test share the
    variants in turn and hold the rest. The number in the test."""
    variants = list(CampaignVariant.objects.filter(campaign=campaign).select_related("template").order_by("label"))
    for variant in variants:
        variant.html = variant.template.html
        variant.links = tracking.extract_links(variant.html)
        variant.save(update_fields=["html", "links"])
    in_test = min(recipients, max(len(variants), round(recipients * campaign.ab_share / 100)))
    with connection.cursor() as cursor:
        cursor.execute(SPLIT_SQL, [campaign.pk, in_test, in_test, [v.pk for v in variants], len(variants)])
    return in_test


def rate(variant: CampaignVariant, metric: str) -> float:
    value = variant.clicks_unique if metric == "clicks" else variant.opens_unique
    return value / variant.sent if variant.sent else 0.0


def winner(campaign: Campaign) -> CampaignVariant | None:
    variants = list(CampaignVariant.objects.filter(campaign=campaign).order_by("label"))
    if not variants:
        return None
    return max(variants, key=lambda v: (rate(v, campaign.ab_metric), -ord(v.label)))


def decide(campaign_id: int, now=None) -> CampaignVariant | None:
    """Choose the winner of a campaign whose test is over and release the rest to it (once)."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = (Campaign.objects.select_for_update(skip_locked=True)
                    .filter(pk=campaign_id, status=Campaign.Status.TESTING).first())
        if campaign is None or campaign.started_at + timedelta(hours=campaign.ab_wait_hours) > now:
            return None
        best = winner(campaign)
        CampaignRecipient.objects.filter(campaign=campaign, held=True).update(variant=best, held=False)
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING, ab_winner=best,
                                                       ab_decided_at=now)
        from plugins.edm.campaigns import enqueue

        transaction.on_commit(lambda: enqueue(campaign_id))
    return best


def decide_due(now=None) -> int:
    now = now or timezone.now()
    due = Campaign.objects.filter(status=Campaign.Status.TESTING).values_list("pk", flat=True)
    return sum(1 for pk in due if decide(pk, now) is not None)


def count_sent(variant_id: int | None) -> None:
    if variant_id:
        CampaignVariant.objects.filter(pk=variant_id).update(sent=F("sent") + 1)
