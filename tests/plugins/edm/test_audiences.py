"""Audiences besides saved filters: a static group keeps the contacts found when it was saved; an
imported list names each bad line and saves nothing until all are right; the suppression list is
left out with the count, and a campaign to either reaches each address once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from plugins.edm import campaigns
from plugins.edm.models import Audience, CampaignRecipient
from saas_core.sending import suppression
from saas_core.sending.models import Channel
from tests.conftest import in_tenant
from tests.plugins.edm.test_campaigns import customer, ready

pytestmark = pytest.mark.django_db


def test_an_imported_list_names_bad_lines_and_leaves_out_suppressed_addresses(tenant_a, boss_a, edm_a, dns, smtp,
                                                                             client_for):
    with in_tenant(tenant_a):
        ready(tenant_a, boss_a, dns, smtp)
        with pytest.raises(ValidationError) as bad:
            campaigns.import_list(by=boss_a, name="展会名单", text="a@fair.cn, 甲\nnot-an-address\n\nb@fair")
        assert bad.value.message_dict["addresses"] == ["Line 2: “not-an-address” is not an e-mail address.",
                                                       "Line 4: “b@fair” is not an e-mail address."]
        assert not Audience.objects.exists()
        suppression.suppress(Channel.EMAIL, "c@fair.cn", reason="unsubscribe")
        audience = campaigns.import_list(by=boss_a, name="展会名单",
                                         text="A@Fair.cn, 甲\nb@fair.cn，乙\nc@fair.cn\na@fair.cn")
        reach = campaigns.reach(audience, by=boss_a)
        assert (reach.with_address, reach.suppressed) == (3, 1)
        template = campaigns.save_template(None, by=boss_a, name="t", subject="hi", html="<p>hi</p>")
        campaign = campaigns.start(campaigns.create_campaign(by=boss_a, name="c", template=template,
                                                             audience=audience), by=boss_a)
        assert (campaign.recipients, campaign.skipped_suppressed) == (2, 1)
        assert campaigns.run(campaign.pk) == "done"
    assert sorted(m["to"][0] for m in smtp.received) == ["a@fair.cn", "b@fair.cn"]
    page = client_for(tenant_a, boss_a)
    response = page.post("/edm/audiences/", {"aud-name": "第二份", "aud-kind": "list", "aud-addresses": "x@y"},
                         follow=True)
    assert "Line 1: “x@y” is not an e-mail address." in response.content.decode()
    page.post("/edm/audiences/", {"aud-name": "第二份", "aud-kind": "list", "aud-addresses": "x@y.cn\nz@y.cn"})
    with in_tenant(tenant_a):
        assert Audience.objects.get(name="第二份").members.count() == 2


def test_a_static_group_keeps_the_contacts_found_when_it_was_saved(tenant_a, boss_a, edm_a, dns, smtp, make_user):
    seller = make_user(tenant_a, username="edm_group_seller", role="sales")
    with in_tenant(tenant_a):
        ready(tenant_a, boss_a, dns, smtp)
        customer(seller, "北京科技", "王五", "wang@bj-tech.cn")
        customer(boss_a, "老板的客户", "钱七", "qian@boss-only.cn")  # not in the seller's scope
        group = campaigns.save_audience(by=seller, name="老客户", kind="group")
        assert sorted(group.members.values_list("email", flat=True)) == ["wang@bj-tech.cn"]
        customer(seller, "后来的客户", "新人", "new@later.cn")  # joins no static group
        template = campaigns.save_template(None, by=boss_a, name="t", subject="hi", html="<p>hi {contact}</p>")
        campaign = campaigns.start(campaigns.create_campaign(by=seller, name="c", template=template,
                                                             audience=group), by=seller)
        assert list(CampaignRecipient.objects.values_list("email", "contact__name")) == [("wang@bj-tech.cn", "王五")]
        campaigns.run(campaign.pk)
    assert [m["to"] for m in smtp.received] == [["wang@bj-tech.cn"]]
    assert "王五" in smtp.received[0]["message"].get_body(("html",)).get_content()
