"""Campaigns in one process: recipients snapshotted in the sender's scope without suppressed or
repeated addresses; every message DKIM-signed, CSS inlined, a plain-text part, variables filled
and escaped; counters as they go; a second run sends nothing; held until the domain is verified."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from plugins.edm import campaigns, services
from plugins.edm.models import Campaign, CampaignRecipient
from saas_core.sending import suppression
from saas_core.sending.models import Channel
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db

HTML = """<html><head><style>.hi { color: #c00; }</style></head><body>
<p class="hi">{contact}，您好！</p><p>{customer} 的专属优惠，来自 {company}。</p>
<p><a href="https://shop.example.com/sale">查看</a></p></body></html>"""


def customer(by, name, contact, email):
    from saas_core.customers.services import create_customer

    return create_customer(by=by, name=name, confirm_duplicates=True, contact={"name": contact, "email": email})


def ready(tenant, boss, dns, smtp):
    with in_tenant(tenant):
        domain = services.add_domain(by=boss, domain="mail.alpha-tech.cn")
        dns.publish(services.records(domain))
        services.check_domain(domain)
        services.save_settings(by=boss, from_name="阿尔法", from_address="news@mail.alpha-tech.cn",
                               smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none", per_second=1000)
        return domain


def test_a_campaign_reaches_each_address_once_signed_inlined_and_counted(tenant_a, boss_a, edm_a, dns, smtp,
                                                                        make_user):
    sales = make_user(tenant_a, username="edm_seller", role="sales")
    with in_tenant(tenant_a):
        ready_domain = ready(tenant_a, boss_a, dns, smtp)
        customer(sales, "北京科技", "王<b>五</b>", "Wang@Bj-Tech.cn")
        customer(sales, "上海贸易", "李四", "li@sh-trade.cn")
        customer(sales, "重复公司", "李四二号", "LI@sh-trade.cn")  # the same address again
        customer(sales, "退订公司", "赵六", "zhao@quit.cn")
        customer(boss_a, "老板的客户", "钱七", "qian@boss-only.cn")  # not in the seller's scope
        suppression.suppress(Channel.EMAIL, "zhao@quit.cn", reason="unsubscribe")
        template = campaigns.save_template(None, by=boss_a, name="双十一", subject="{contact}，双十一优惠", html=HTML)
        audience = campaigns.save_audience(by=sales, name="我的联系人", kind="contacts", filters={})
        reach = campaigns.reach(audience, by=sales)
        assert (reach.matched, reach.with_address, reach.suppressed) == (4, 3, 1)
        campaign = campaigns.create_campaign(by=sales, name="双十一", template=template, audience=audience)
        campaign = campaigns.start(campaign, by=sales)
        assert (campaign.recipients, campaign.skipped_suppressed) == (2, 1)
        assert sorted(CampaignRecipient.objects.values_list("email", flat=True)) == ["li@sh-trade.cn",
                                                                                      "wang@bj-tech.cn"]
        assert campaigns.run(campaign.pk) == "done"
        assert campaigns.run(campaign.pk) == Campaign.Status.DONE  # a second run: nothing more
        campaign.refresh_from_db()
        assert (campaign.status, campaign.sent, campaign.failed) == (Campaign.Status.DONE, 2, 0)
    assert len(smtp.received) == 2 and all(m["dkim"] for m in smtp.received)
    wang = next(m for m in smtp.received if m["to"] == ["wang@bj-tech.cn"])
    message = wang["message"]
    assert message["Subject"] == "王<b>五</b>，双十一优惠"
    assert f"d={ready_domain.domain}" in message["DKIM-Signature"]
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert 'style="color: #c00' in html and "<style>" not in html  # CSS inlined
    assert "王&lt;b&gt;五&lt;/b&gt;，您好" in html and "Alpha Trading Ltd" in html
    assert "王<b>五</b>，您好" in text and "查看 (https://shop.example.com/sale)" in text


def test_a_campaign_is_held_until_the_domain_is_verified(tenant_a, boss_a, edm_a, dns, smtp):
    with in_tenant(tenant_a):
        services.add_domain(by=boss_a, domain="mail.alpha-tech.cn")
        services.save_settings(by=boss_a, from_address="news@mail.alpha-tech.cn", smtp_host="127.0.0.1",
                               smtp_port=smtp.port, smtp_security="none")
        customer(boss_a, "北京科技", "王五", "wang@bj-tech.cn")
        template = campaigns.save_template(None, by=boss_a, name="t", subject="hi", html="<p>hi</p>")
        audience = campaigns.save_audience(by=boss_a, name="all", kind="contacts")
        campaign = campaigns.create_campaign(by=boss_a, name="c", template=template, audience=audience)
        with pytest.raises(ValidationError) as held:
            campaigns.start(campaign, by=boss_a)
        assert "held until the domain mail.alpha-tech.cn is verified" in held.value.messages[0]
        assert not CampaignRecipient.objects.exists()
    assert smtp.received == []


def test_bad_templates_are_refused_with_the_field(tenant_a, boss_a, edm_a):
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as bad:
            campaigns.save_template(None, by=boss_a, name="t", subject="{price}", html="<p>{contact}</p>")
        assert "{price}" in bad.value.message_dict["subject"][0]


def test_a_paused_campaign_sends_nothing_until_resumed(tenant_a, boss_a, edm_a, dns, smtp,
                                                       django_capture_on_commit_callbacks):
    with in_tenant(tenant_a):
        ready(tenant_a, boss_a, dns, smtp)
        for i in range(3):
            customer(boss_a, f"客户{i}", f"联系人{i}", f"c{i}@example.cn")
        template = campaigns.save_template(None, by=boss_a, name="t", subject="hi", html="<p>hi {contact}</p>")
        audience = campaigns.save_audience(by=boss_a, name="all", kind="contacts")
        campaign = campaigns.start(campaigns.create_campaign(by=boss_a, name="c", template=template,
                                                             audience=audience), by=boss_a)
        campaigns.pause(campaign, by=boss_a)
        assert campaigns.run(campaign.pk) == Campaign.Status.PAUSED
        assert smtp.received == []
        with django_capture_on_commit_callbacks() as queued:
            campaigns.resume(campaign, by=boss_a)
        assert len(queued) == 1
        assert campaigns.run(campaign.pk) == "done"
    assert len(smtp.received) == 3


def test_the_pages_build_a_template_preview_it_and_send_a_campaign(tenant_a, boss_a, edm_a, dns, smtp, client_for,
                                                                   django_capture_on_commit_callbacks):
    with in_tenant(tenant_a):
        ready(tenant_a, boss_a, dns, smtp)
        customer(boss_a, "北京科技", "王五", "wang@bj-tech.cn")
    client = client_for(tenant_a, boss_a)
    bad = client.post("/edm/templates/new/", {"name": "t", "subject": "s", "html": "<p>{unknown}</p>"})
    assert bad.status_code == 200 and "{unknown}" in bad.content.decode()
    saved = client.post("/edm/templates/new/", {"name": "春节", "subject": "{contact}，新春快乐", "html": HTML})
    assert saved.status_code == 302
    with in_tenant(tenant_a):
        template = campaigns.EmailTemplate.objects.get()
    editor = client.get(saved["Location"]).content.decode()
    assert 'data-testid="edm-preview-phone"' in editor and 'data-testid="edm-preview-desktop"' in editor
    preview = client.get(f"/edm/templates/{template.pk}/preview/")
    assert 'style="color: #c00' in preview.content.decode() and "'unsafe-inline'" in preview["Content-Security-Policy"]
    assert "script-src 'none'" in preview["Content-Security-Policy"]
    assert "查看 (https://shop.example.com/sale)" in client.get(
        f"/edm/templates/{template.pk}/preview/?part=text").content.decode()
    client.post("/edm/audiences/", {"aud-name": "全部联系人", "aud-kind": "contacts", "aud-q": ""})
    with in_tenant(tenant_a):
        audience = campaigns.Audience.objects.get()
    created = client.post("/edm/", {"name": "新春", "template": template.pk, "audience": audience.pk})
    assert created.status_code == 302
    detail = client.get(created["Location"]).content.decode()
    assert 'data-testid="edm-reach"' in detail and 'data-testid="edm-start"' in detail
    with django_capture_on_commit_callbacks() as queued:
        client.post(created["Location"] + "start/")
    assert len(queued) == 1  # the sending run, queued after the commit
    with in_tenant(tenant_a):
        campaign = Campaign.objects.get()
        assert campaigns.run(campaign.pk) == "done"
    stats = client.get(created["Location"]).content.decode()
    assert 'data-stat="sent">1<' in stats and 'data-status="done"' in stats
    assert len(smtp.received) == 1 and smtp.received[0]["dkim"]


def test_company_b_cannot_reach_company_a_campaigns_templates_or_previews(tenant_a, tenant_b, boss_a, edm_a,
                                                                          switch_module, client_for):
    from saas_core.accounts.models import User

    switch_module(tenant_b, "edm", True)
    with in_tenant(tenant_a):
        template = campaigns.save_template(None, by=boss_a, name="secret", subject="s", html="<p>机密</p>")
        audience = campaigns.save_audience(by=boss_a, name="a", kind="contacts")
        campaign = campaigns.create_campaign(by=boss_a, name="秘密活动", template=template, audience=audience)
    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    b = client_for(tenant_b, boss_b)
    for url in (f"/edm/campaigns/{campaign.pk}/", f"/edm/templates/{template.pk}/",
                f"/edm/templates/{template.pk}/preview/"):
        assert b.get(url).status_code == 404, url
    assert b.post(f"/edm/campaigns/{campaign.pk}/start/").status_code == 404
    assert "秘密活动" not in b.get("/edm/").content.decode()
    switch_module(tenant_a, "edm", False)
    a = client_for(tenant_a, boss_a)
    assert a.get(f"/edm/campaigns/{campaign.pk}/").status_code == 404 and a.get("/edm/").status_code == 404


def test_every_message_carries_one_click_unsubscribe_which_works_even_with_the_module_off(
        tenant_a, boss_a, edm_a, dns, smtp, switch_module):
    from django.test import Client

    with in_tenant(tenant_a):
        ready(tenant_a, boss_a, dns, smtp)
        customer(boss_a, "北京科技", "王五", "wang@bj-tech.cn")
        customer(boss_a, "上海贸易", "李四", "li@sh-trade.cn")
        template = campaigns.save_template(None, by=boss_a, name="t", subject="hi",
                                           html="<html><body><p>hi {contact}</p></body></html>")
        audience = campaigns.save_audience(by=boss_a, name="all", kind="contacts")
        campaign = campaigns.start(campaigns.create_campaign(by=boss_a, name="c", template=template,
                                                             audience=audience), by=boss_a)
        campaigns.run(campaign.pk)
    assert len(smtp.received) == 2
    links = {}
    for mail in smtp.received:
        message = mail["message"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        header = message["List-Unsubscribe"]
        assert "mailto:news@mail.alpha-tech.cn" in header and mail["dkim"]
        url = header.split("<", 1)[1].split(">", 1)[0]
        assert url in message.get_body(("html",)).get_content()  # and a link in the message itself
        links[mail["to"][0]] = url.split("://", 1)[1].split("/", 1)[1]
    recipient = Client(HTTP_HOST=tenant_a.host, enforce_csrf_checks=True)
    assert recipient.post("/" + links["wang@bj-tech.cn"], "List-Unsubscribe=One-Click",
                          content_type="application/x-www-form-urlencoded").status_code == 200
    switch_module(tenant_a, "edm", False)
    assert recipient.post("/" + links["li@sh-trade.cn"], "List-Unsubscribe=One-Click",
                          content_type="application/x-www-form-urlencoded").status_code == 200
    with in_tenant(tenant_a):
        campaign.refresh_from_db()
        assert campaign.unsubscribes == 2
        assert suppression.suppressed(Channel.EMAIL, ["wang@bj-tech.cn", "li@sh-trade.cn"]) == {
            "wang@bj-tech.cn", "li@sh-trade.cn"}
