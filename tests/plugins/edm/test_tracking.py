"""Tracking and results: the pixel and the click redirect as a recipient's mail client calls them,
counters as events arrive (machine opens and scanner clicks apart), forged and foreign tokens 404,
tracking off, the results page with rates, search and per-recipient history, in the viewer's scope."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from plugins.edm import campaigns
from plugins.edm.models import Campaign, CampaignEvent, CampaignRecipient
from tests.conftest import in_tenant
from tests.plugins.edm.test_campaigns import customer, ready

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
APPLE_MPP = "Mozilla/5.0"
LINKS_HTML = """<html><body><p>{contact}，您好</p>
<a href="https://shop.example.com/sale?a=1&amp;b=2">促销</a> <a href="https://shop.example.com/new">新品</a>
<a href="https://shop.example.com/help">帮助</a> <a href='mailto:sales@example.com'>写信</a></body></html>"""


def sent_campaign(tenant, boss, dns, smtp, *, track=True, people=(("王五", "wang@bj-tech.cn"),)):
    with in_tenant(tenant):
        ready(tenant, boss, dns, smtp)
        for i, (name, email) in enumerate(people):
            customer(boss, f"客户{i}", name, email)
        template = campaigns.save_template(None, by=boss, name="t", subject="hi", html=LINKS_HTML)
        audience = campaigns.save_audience(by=boss, name="all", kind="contacts")
        campaign = campaigns.start(campaigns.create_campaign(by=boss, name="夏季促销", template=template,
                                                             audience=audience, track=track), by=boss)
        assert campaigns.run(campaign.pk) == "done"
        # The recipients read their mail an hour later (opens right after sending are machines').
        CampaignRecipient.objects.update(sent_at=timezone.now() - timedelta(hours=1))
    return campaign


def paths(mail) -> tuple[str, list[str]]:
    html = mail["message"].get_body(("html",)).get_content()
    pixel = re.search(r'<img src="https?://[^/]+(/edm/t/o/[^"]+)"', html).group(1)
    clicks = [href.replace("&amp;", "&") for href in re.findall(r'href="https?://[^/]+(/edm/t/c/[^"]+)"', html)]
    return pixel, clicks


def test_opens_and_clicks_are_counted_as_they_arrive_with_machines_and_scanners_apart(
        tenant_a, boss_a, edm_a, dns, smtp, client_for):
    campaign = sent_campaign(tenant_a, boss_a, dns, smtp)
    (mail,) = smtp.received
    assert mail["dkim"]
    html = mail["message"].get_body(("html",)).get_content()
    assert "mailto:sales@example.com" in html and "https://shop.example.com/new" not in html
    pixel, clicks = paths(mail)
    assert len(clicks) == 3
    person = Client(HTTP_HOST=tenant_a.host, HTTP_USER_AGENT=BROWSER)
    assert person.get(pixel)["Content-Type"] == "image/gif"
    person.get(pixel)
    Client(HTTP_HOST=tenant_a.host, HTTP_USER_AGENT=APPLE_MPP).get(pixel)  # Apple's privacy proxy
    first = person.get(clicks[0])
    assert first.status_code == 302 and first["Location"] == "https://shop.example.com/sale?a=1&b=2"
    person.get(clicks[0])
    assert Client(HTTP_HOST=tenant_a.host).head(clicks[1]).status_code == 302  # a HEAD: a scanner
    with in_tenant(tenant_a):
        campaign.refresh_from_db()
        assert (campaign.opens_unique, campaign.opens_total, campaign.opens_machine) == (1, 2, 1)
        assert (campaign.clicks_unique, campaign.clicks_total, campaign.clicks_scanner) == (1, 2, 1)
        recipient = CampaignRecipient.objects.get()
        assert (recipient.opens, recipient.clicks) == (2, 2) and recipient.opened_at and recipient.clicked_at
    # A gateway that follows every link of the message at once: the burst is a scanner's.
    gateway = Client(HTTP_HOST=tenant_a.host, HTTP_USER_AGENT=BROWSER)
    for path in clicks:
        gateway.get(path)
    with in_tenant(tenant_a):
        campaign.refresh_from_db()
        assert campaign.clicks_scanner >= 2
        assert CampaignEvent.objects.filter(kind="click", machine=True).count() == campaign.clicks_scanner
    # The results page shows the counters and the rate; the recipient's history lists the events.
    page = client_for(tenant_a, boss_a).get(f"/edm/campaigns/{campaign.pk}/").content.decode()
    assert 'data-stat="opens_unique">1<' in page and 'data-rate="open">(100.0%)' in page
    assert 'data-stat="opens_machine">1<' in page and 'data-stat="clicks_scanner">' in page
    history = client_for(tenant_a, boss_a).get(f"/edm/campaigns/{campaign.pk}/recipients/{recipient.pk}/")
    text = history.content.decode()
    assert text.count('data-event="open"') == 3 and 'data-machine="1"' in text
    assert "https://shop.example.com/sale?a=1&amp;b=2" in text


def test_a_machine_open_right_after_sending_does_not_make_an_opener(tenant_a, boss_a, edm_a, dns, smtp):
    campaign = sent_campaign(tenant_a, boss_a, dns, smtp)
    with in_tenant(tenant_a):
        CampaignRecipient.objects.update(sent_at=timezone.now())  # fetched the moment it arrived
    pixel, _clicks = paths(smtp.received[0])
    Client(HTTP_HOST=tenant_a.host, HTTP_USER_AGENT=BROWSER).get(pixel)
    with in_tenant(tenant_a):
        campaign.refresh_from_db()
        assert (campaign.opens_unique, campaign.opens_machine) == (0, 1)


def test_forged_altered_and_foreign_tokens_get_404_and_count_nothing(tenant_a, tenant_b, boss_a, edm_a, dns,
                                                                    smtp, switch_module):
    switch_module(tenant_b, "edm", True)
    campaign = sent_campaign(tenant_a, boss_a, dns, smtp)
    pixel, clicks = paths(smtp.received[0])
    person = Client(HTTP_HOST=tenant_a.host, HTTP_USER_AGENT=BROWSER)
    token = clicks[0].split("/")[-2]
    altered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert person.get(f"/edm/t/c/{altered}/").status_code == 404
    assert person.get("/edm/t/c/not-a-token/").status_code == 404
    assert person.get(pixel.replace("/t/o/", "/t/c/")).status_code == 404  # an open token is no link
    stranger = Client(HTTP_HOST=tenant_b.host, HTTP_USER_AGENT=BROWSER)
    assert stranger.get(clicks[0]).status_code == 404 and stranger.get(pixel).status_code == 404
    with in_tenant(tenant_a):
        campaign.refresh_from_db()
        assert (campaign.opens_total, campaign.clicks_total, campaign.opens_machine, campaign.clicks_scanner) == (
            0, 0, 0, 0)
    switch_module(tenant_a, "edm", False)
    assert person.get(pixel).status_code == 404  # module off: its URLs are gone


def test_with_tracking_off_no_pixel_and_the_links_are_left_alone(tenant_a, boss_a, edm_a, dns, smtp, client_for):
    campaign = sent_campaign(tenant_a, boss_a, dns, smtp, track=False)
    html = smtp.received[0]["message"].get_body(("html",)).get_content()
    assert "/edm/t/" not in html and 'href="https://shop.example.com/new"' in html
    page = client_for(tenant_a, boss_a).get(f"/edm/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="edm-tracking-off"' in page


def test_results_search_paginate_and_follow_the_viewers_scope(tenant_a, tenant_b, boss_a, edm_a, dns, smtp,
                                                              make_user, client_for, switch_module):
    people = [(f"联系人{i}", f"p{i:02d}@example.cn") for i in range(25)]
    campaign = sent_campaign(tenant_a, boss_a, dns, smtp, people=people)
    boss = client_for(tenant_a, boss_a)
    first = boss.get(f"/edm/campaigns/{campaign.pk}/").content.decode()
    assert first.count('data-testid="edm-recipient-row"') == 20 and "25 records" in first
    second = boss.get(f"/edm/campaigns/{campaign.pk}/?page=2").content.decode()
    assert second.count('data-testid="edm-recipient-row"') == 5
    found = boss.get(f"/edm/campaigns/{campaign.pk}/?q=p07").content.decode()
    assert found.count('data-testid="edm-recipient-row"') == 1 and "p07@example.cn" in found
    assert boss.get(f"/edm/campaigns/{campaign.pk}/?show=opened").content.decode().count(
        'data-testid="edm-recipient-row"') == 0
    # A salesperson sees only their own campaigns: the Boss's results are not theirs.
    seller = make_user(tenant_a, username="edm_scope_seller", role="sales")
    other = client_for(tenant_a, seller)
    assert other.get(f"/edm/campaigns/{campaign.pk}/").status_code == 404
    with in_tenant(tenant_a):
        recipient = CampaignRecipient.objects.first()
    assert other.get(f"/edm/campaigns/{campaign.pk}/recipients/{recipient.pk}/").status_code == 404
    assert "夏季促销" not in other.get("/edm/").content.decode()
    assert other.post(f"/edm/campaigns/{campaign.pk}/cancel/").status_code == 404
    # Another company's Boss: nothing either.
    from saas_core.accounts.models import User

    switch_module(tenant_b, "edm", True)
    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    b = client_for(tenant_b, boss_b)
    assert b.get(f"/edm/campaigns/{campaign.pk}/recipients/{recipient.pk}/").status_code == 404


def test_a_draft_is_scheduled_from_its_page_and_starts_when_due(tenant_a, boss_a, edm_a, dns, smtp, client_for):
    with in_tenant(tenant_a):
        ready(tenant_a, boss_a, dns, smtp)
        customer(boss_a, "北京科技", "王五", "wang@bj-tech.cn")
        template = campaigns.save_template(None, by=boss_a, name="t", subject="hi", html="<p>hi</p>")
        audience = campaigns.save_audience(by=boss_a, name="all", kind="contacts")
        campaign = campaigns.create_campaign(by=boss_a, name="c", template=template, audience=audience)
    client = client_for(tenant_a, boss_a)
    assert 'data-testid="edm-schedule-form"' in client.get(f"/edm/campaigns/{campaign.pk}/").content.decode()
    past = client.post(f"/edm/campaigns/{campaign.pk}/schedule/", {"scheduled_at": "2020-01-01T09:00"}, follow=True)
    assert "Choose a time in the future" in past.content.decode()
    when = timezone.localtime() + timedelta(days=1)
    client.post(f"/edm/campaigns/{campaign.pk}/schedule/", {"scheduled_at": when.strftime("%Y-%m-%dT%H:%M")})
    with in_tenant(tenant_a):
        campaign.refresh_from_db()
        assert campaign.status == Campaign.Status.SCHEDULED
        assert campaigns.start_due(now=timezone.now()) == 0
        assert campaigns.start_due(now=timezone.now() + timedelta(days=2)) == 1
        campaign.refresh_from_db()
        assert campaign.status == Campaign.Status.SENDING and campaign.recipients == 1


def test_the_customers_360_shows_the_campaign_mail_and_goes_with_the_module(tenant_a, boss_a, edm_a, dns, smtp,
                                                                            client_for, make_user, switch_module):
    campaign = sent_campaign(tenant_a, boss_a, dns, smtp)
    pixel, _clicks = paths(smtp.received[0])
    Client(HTTP_HOST=tenant_a.host, HTTP_USER_AGENT=BROWSER).get(pixel)
    with in_tenant(tenant_a):
        recipient = CampaignRecipient.objects.get()
        customer_pk = recipient.customer_id
    boss = client_for(tenant_a, boss_a)
    panel = boss.get(f"/customers/{customer_pk}/panels/edm/")
    text = panel.content.decode()
    assert panel.status_code == 200 and 'data-testid="edm-panel-row"' in text
    assert campaign.name in text and "Opened 1×" in text
    switch_module(tenant_a, "edm", False)
    assert boss.get(f"/customers/{customer_pk}/panels/edm/").status_code == 404
    assert 'data-testid="edm-panel"' not in boss.get(f"/customers/{customer_pk}/").content.decode()
