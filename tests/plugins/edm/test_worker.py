"""A campaign sent by a real Celery worker to a real SMTP server on loopback, the worker killed
(SIGKILL) in the middle and another one started: no recipient gets the campaign twice, and every
recipient gets it except at most the one message the dead worker had on the wire, which is
marked "interrupted (not resent)" (the server may or may not have taken it; it is never resent).

Each test makes its own workspace (committed data: the worker has its own connection)."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections import Counter

import pytest
from django_tenants.utils import schema_context

from plugins.edm import campaigns, services
from plugins.edm.models import Campaign, CampaignRecipient
from plugins.edm.tasks import campaign_tick, send_campaign
from tests.workers import forget_keys, start_worker
from tests.workers import routing as private_routing

pytestmark = pytest.mark.live

RECIPIENTS = 240
LEASE = 3


@pytest.fixture(scope="module")
def routing():
    queue, keyprefix = private_routing("edm")
    yield queue, keyprefix
    forget_keys(keyprefix)


def edm_env(dns_zone) -> dict:
    return {"EDM_ALLOWED_SMTP_HOSTS": "127.0.0.1", "EDM_DNS_NAMESERVERS": f"127.0.0.1:{dns_zone.port}",
            "EDM_CLAIM_LEASE_SECONDS": str(LEASE)}


@pytest.fixture
def workspace(live_db, dns_zone, dkim_smtp, settings):
    """A fresh company with EDM on, a verified domain, its SMTP server the loopback one, and
    RECIPIENTS contacts with e-mail addresses."""
    from billing.overrides import set_override
    from saas_core.accounts.models import User
    from saas_core.customers.services import create_customer
    from tenants import provisioning

    settings.EDM_ALLOWED_SMTP_HOSTS = ["127.0.0.1"]
    settings.EDM_DNS_NAMESERVERS = [f"127.0.0.1:{dns_zone.port}"]
    settings.EDM_CLAIM_LEASE_SECONDS = LEASE
    dkim_smtp.received.clear()
    sub = "edm" + uuid.uuid4().hex[:10]
    ws = provisioning.create_workspace(company_name=f"EDM {sub}", subdomain=sub, admin_name="Boss",
                                       email=f"boss@{sub}.example.com", password="Correct-Horse-77", language="en")
    set_override(ws.tenant, "edm", True)
    with schema_context(ws.tenant.schema_name):
        boss = User.objects.get(username=f"boss@{sub}.example.com")
        domain = services.add_domain(by=boss, domain=f"{sub}.example.cn")
        dns_zone.publish(services.records(domain))
        assert services.check_domain(domain).is_verified
        services.save_settings(by=boss, from_address=f"news@{sub}.example.cn", smtp_host="127.0.0.1",
                               smtp_port=dkim_smtp.port, smtp_security="none", per_second=1000, pool_size=5)
        for i in range(RECIPIENTS):
            create_customer(by=boss, name=f"客户{i:04d}", confirm_duplicates=True,
                            contact={"name": f"联系人{i}", "email": f"r{i:04d}@{sub}.example.org"})
        template = campaigns.save_template(None, by=boss, name="t", subject="{contact} 你好",
                                           html="<style>p{color:red}</style><p>{customer}</p>")
        audience = campaigns.save_audience(by=boss, name="all", kind="contacts")
        ws.campaign = campaigns.create_campaign(by=boss, name="big", template=template, audience=audience)
    ws.boss = boss
    yield ws
    dkim_smtp.received.clear()


def test_a_worker_killed_mid_campaign_never_sends_anyone_twice(workspace, dkim_smtp, dns_zone, routing,
                                                               tmp_path):
    dkim_smtp.delay = 0.02  # the server takes a moment per message, so the kill lands mid-campaign
    schema = workspace.tenant.schema_name
    victim = start_worker(tmp_path, *routing, **edm_env(dns_zone))
    try:
        with schema_context(schema):
            campaigns.start(workspace.campaign, by=workspace.boss, enqueue_run=False)
            victim.send(send_campaign, workspace.campaign.pk)
        deadline = time.monotonic() + 120
        while len(dkim_smtp.received) < RECIPIENTS // 3:
            victim.assert_alive()
            assert time.monotonic() < deadline, victim.log()
            time.sleep(0.05)
        os.kill(victim.proc.pid, signal.SIGKILL)
        victim.proc.wait(timeout=10)
    finally:
        victim.stop()
    got_before = len(dkim_smtp.received)
    assert got_before < RECIPIENTS, "the campaign finished before the kill; nothing was tested"
    time.sleep(LEASE + 1)  # the dead run's lease runs out
    rescuer = start_worker(tmp_path, *routing, **edm_env(dns_zone))
    try:
        with schema_context(schema):
            assert rescuer.result(rescuer.send(campaign_tick)) >= 1  # finds the stalled campaign, restarts it
            deadline = time.monotonic() + 180
            while Campaign.objects.get(pk=workspace.campaign.pk).status != Campaign.Status.DONE:
                rescuer.assert_alive()
                assert time.monotonic() < deadline, rescuer.log()
                time.sleep(0.2)
                if Campaign.objects.filter(pk=workspace.campaign.pk, status=Campaign.Status.SENDING).exists() \
                        and not CampaignRecipient.objects.filter(status__in=("queued", "retrying")).exists():
                    rescuer.send(send_campaign, workspace.campaign.pk)  # settles the dead run's last row
                    time.sleep(LEASE)
            campaign = Campaign.objects.get(pk=workspace.campaign.pk)
            statuses = Counter(CampaignRecipient.objects.values_list("status", flat=True))
    finally:
        rescuer.stop()
        dkim_smtp.delay = 0
    received = Counter(to for m in dkim_smtp.received for to in m["to"])
    assert max(received.values()) == 1, [a for a, n in received.items() if n > 1]  # nobody twice
    assert all(m["dkim"] for m in dkim_smtp.received)
    assert statuses[CampaignRecipient.Status.SENT] + statuses[CampaignRecipient.Status.UNKNOWN] == RECIPIENTS
    # At most the messages on the wire at the kill: one per pooled connection (the run sends on 5 at once).
    unknown = statuses[CampaignRecipient.Status.UNKNOWN]
    assert unknown <= 5
    assert len(received) >= RECIPIENTS - unknown and campaign.sent == statuses[CampaignRecipient.Status.SENT]
    assert campaign.recipients == RECIPIENTS
