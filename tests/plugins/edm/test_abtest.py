"""A/B tests: variants set up from the campaign's page, a share of the audience gets them in turn,
the winner by unique opens goes to the rest after the wait, and still nobody gets two messages."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from plugins.edm import abtest, campaigns
from plugins.edm.models import Campaign, CampaignRecipient, CampaignVariant
from tests.conftest import in_tenant
from tests.plugins.edm.test_campaigns import customer, ready
from tests.plugins.edm.test_tracking import BROWSER

pytestmark = pytest.mark.django_db


def test_the_winner_by_opens_goes_to_the_rest_and_everyone_gets_one_message(tenant_a, boss_a, edm_a, dns, smtp,
                                                                            client_for,
                                                                            django_capture_on_commit_callbacks):
    with in_tenant(tenant_a):
        ready(tenant_a, boss_a, dns, smtp)
        for i in range(20):
            customer(boss_a, f"客户{i}", f"联系人{i}", f"p{i:02d}@example.cn")
        template = campaigns.save_template(None, by=boss_a, name="t", subject="主题甲",
                                           html="<html><body><p>{contact}</p></body></html>")
        audience = campaigns.save_audience(by=boss_a, name="all", kind="contacts")
        campaign = campaigns.create_campaign(by=boss_a, name="测试", template=template, audience=audience)
    page = client_for(tenant_a, boss_a)
    assert 'data-testid="edm-variant-form"' in page.get(f"/edm/campaigns/{campaign.pk}/").content.decode()
    page.post(f"/edm/campaigns/{campaign.pk}/variant/", {"subject": "主题乙", "template": ""})
    page.post(f"/edm/campaigns/{campaign.pk}/abtest/", {"share": "40", "metric": "opens", "wait_hours": "2"})
    detail = page.get(f"/edm/campaigns/{campaign.pk}/").content.decode()
    assert 'data-variant="A"' in detail and 'data-variant="B"' in detail
    with in_tenant(tenant_a):
        campaign = campaigns.start(campaign, by=boss_a, enqueue_run=False)
        assert CampaignRecipient.objects.filter(held=True).count() == 12
        assert Counter(CampaignRecipient.objects.filter(held=False).values_list("variant__label", flat=True)) == {
            "A": 4, "B": 4}
        assert campaigns.run(campaign.pk) == "testing"
        campaign.refresh_from_db()
        assert campaign.status == Campaign.Status.TESTING and campaign.sent == 8
        CampaignRecipient.objects.update(sent_at=timezone.now() - timedelta(hours=1))
    assert Counter(m["message"]["Subject"] for m in smtp.received) == {"主题甲": 4, "主题乙": 4}
    # Two of B's recipients open it; one of A's.
    opened = Counter()
    for mail in smtp.received:
        subject = mail["message"]["Subject"]
        if opened[subject] < (2 if subject == "主题乙" else 1):
            html = mail["message"].get_body(("html",)).get_content()
            pixel = re.search(r'<img src="https?://[^/]+(/edm/t/o/[^"]+)"', html).group(1)
            Client(HTTP_HOST=tenant_a.host, HTTP_USER_AGENT=BROWSER).get(pixel)
            opened[subject] += 1
    with in_tenant(tenant_a):
        assert abtest.decide(campaign.pk) is None  # the wait is not over
        with django_capture_on_commit_callbacks() as queued:
            best = abtest.decide(campaign.pk, now=timezone.now() + timedelta(hours=3))
        assert best.label == "B" and len(queued) == 1
        assert abtest.decide(campaign.pk, now=timezone.now() + timedelta(hours=3)) is None  # once
        assert campaigns.run(campaign.pk) == "done"
        campaign.refresh_from_db()
        assert (campaign.status, campaign.sent, campaign.ab_winner.label) == (Campaign.Status.DONE, 20, "B")
        assert CampaignVariant.objects.get(label="B").opens_unique == 2
    addresses = [m["to"][0] for m in smtp.received]
    assert len(addresses) == 20 and len(set(addresses)) == 20  # each exactly once
    assert Counter(m["message"]["Subject"] for m in smtp.received) == {"主题甲": 4, "主题乙": 16}
    assert 'data-winner="1"' in page.get(f"/edm/campaigns/{campaign.pk}/").content.decode()


def test_a_test_has_at_most_four_variants_and_changes_only_before_the_start(tenant_a, boss_a, edm_a):
    from django.core.exceptions import ValidationError

    with in_tenant(tenant_a):
        template = campaigns.save_template(None, by=boss_a, name="t", subject="s", html="<p>x</p>")
        audience = campaigns.save_audience(by=boss_a, name="all", kind="contacts")
        campaign = campaigns.create_campaign(by=boss_a, name="c", template=template, audience=audience)
        for subject in ("s2", "s3", "s4"):
            abtest.add_variant(campaign, by=boss_a, subject=subject)
        with pytest.raises(ValidationError, match="at most 4"):
            abtest.add_variant(campaign, by=boss_a, subject="s5")
        with pytest.raises(ValidationError):
            abtest.configure(campaign, by=boss_a, share=0, metric="opens", wait_hours=2)
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING)
        with pytest.raises(ValidationError, match="started already"):
            abtest.remove_variants(campaign, by=boss_a)
