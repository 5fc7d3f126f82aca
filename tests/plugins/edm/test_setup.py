"""Sending setup as the Boss meets it: a domain gets a DKIM key and the records to publish; the
check asks a real DNS server (on loopback); sending is held until the domain is verified; the
SMTP password is stored encrypted and never shown back; a test e-mail reaches a real SMTP server
with a DKIM signature that verifies. Company B sees nothing of A's, and with the module off every
page and endpoint is a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.db import connection
from django.utils import timezone

from plugins.edm import services
from plugins.edm.models import EdmSettings, SendingDomain
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def add_and_publish(info, boss, zone, name="mail.alpha-tech.cn") -> SendingDomain:
    with in_tenant(info):
        domain = services.add_domain(by=boss, domain=name)
        zone.publish(services.records(domain))
        return services.check_domain(domain)


def configure(info, boss, smtp, address="news@mail.alpha-tech.cn", **extra) -> EdmSettings:
    with in_tenant(info):
        return services.save_settings(by=boss, from_name="阿尔法科技", from_address=address, smtp_host="127.0.0.1",
                                      smtp_port=smtp.port, smtp_security="none", **extra)


def test_a_domain_gets_a_dkim_key_records_to_publish_and_is_verified_by_dns(tenant_a, boss_a, edm_a, dns,
                                                                           client_for):
    client = client_for(tenant_a, boss_a)
    assert client.post("/edm/setup/domains/", {"dom-domain": "https://x.cn/"}).status_code == 302
    assert client.post("/edm/setup/domains/", {"dom-domain": "Mail.Alpha-Tech.cn"}).status_code == 302
    with in_tenant(tenant_a):
        domain = SendingDomain.objects.get()
        assert domain.domain == "mail.alpha-tech.cn" and domain.status == SendingDomain.Status.PENDING
        key = load_pem_private_key(domain.dkim_private_key.encode(), password=None)
        assert key.key_size == 2048
        raw = connection.cursor()
        raw.execute("SELECT dkim_private_key FROM edm_sendingdomain")
        assert raw.fetchone()[0].startswith("fernet:")  # encrypted at rest
        records = {r.kind: r for r in services.records(domain)}
    page = client.get("/edm/setup/").content.decode()
    assert f"{domain.selector}._domainkey.mail.alpha-tech.cn" in page and records["DKIM"].value in page
    assert "v=DMARC1" in page and "v=spf1" in page and 'data-testid="edm-held"' in page
    client.post(f"/edm/setup/domains/{domain.pk}/check/")
    with in_tenant(tenant_a):
        domain.refresh_from_db()
        assert domain.status == SendingDomain.Status.FAILED
        assert domain.check_problems == ["spf_missing", "dkim_missing", "dmarc_missing"]
    dns.txt[records["DKIM"].host] = ["v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsomeoneelse"]
    dns.txt[records["SPF"].host] = [records["SPF"].value]
    dns.txt[records["DMARC"].host] = [records["DMARC"].value]
    client.post(f"/edm/setup/domains/{domain.pk}/check/")
    with in_tenant(tenant_a):
        domain.refresh_from_db()
        assert domain.check_problems == ["dkim_mismatch"] and not domain.is_verified
    dns.txt[records["DKIM"].host] = [records["DKIM"].value]  # 2048-bit: served in 255-byte strings
    response = client.post(f"/edm/setup/domains/{domain.pk}/check/", follow=True)
    assert "mail.alpha-tech.cn is verified" in response.content.decode()
    with in_tenant(tenant_a):
        domain.refresh_from_db()
        assert domain.is_verified and domain.spf_ok and domain.dkim_ok and domain.dmarc_ok


def test_selectors_are_unique_to_each_company(tenant_a, tenant_b, boss_a, edm_a, switch_module, dns):
    from saas_core.accounts.models import User

    switch_module(tenant_b, "edm", True)
    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
        b = services.add_domain(by=boss_b, domain="example.cn")
    with in_tenant(tenant_a):
        a = services.add_domain(by=boss_a, domain="example.cn")
        second = services.add_domain(by=boss_a, domain="news.example.cn")
    assert len({a.selector, b.selector, second.selector}) == 3
    assert a.dkim_public_key != b.dkim_public_key


def test_sending_is_held_until_verified_then_a_signed_test_reaches_the_server(tenant_a, boss_a, edm_a, dns, smtp,
                                                                             client_for):
    with in_tenant(tenant_a):
        boss_a.email = "boss@alpha-tech.cn"
        boss_a.save(update_fields=["email"])
        domain = services.add_domain(by=boss_a, domain="mail.alpha-tech.cn")
    configure(tenant_a, boss_a, smtp)
    client = client_for(tenant_a, boss_a)
    held = client.post("/edm/setup/test/", follow=True).content.decode()
    assert "held until the domain mail.alpha-tech.cn is verified" in held and smtp.received == []
    with in_tenant(tenant_a):
        dns.publish(services.records(domain))
        services.check_domain(domain)
    sent = client.post("/edm/setup/test/", follow=True).content.decode()
    assert "A test e-mail went to boss@alpha-tech.cn" in sent
    [mail] = smtp.received
    assert mail["dkim"], "the DKIM signature did not verify"
    assert mail["from"] == "news@mail.alpha-tech.cn" and mail["to"] == ["boss@alpha-tech.cn"]
    assert "阿尔法科技" in str(mail["message"]["From"]) and f"s={domain.selector}" in mail["message"]["DKIM-Signature"]
    smtp.reply = "550 5.1.1 mailbox unavailable"
    refused = client.post("/api/v1/edm/test-send/")
    assert refused.status_code == 400 and "550" in refused.json()["detail"]


def test_the_password_is_encrypted_and_never_shown_and_bad_settings_are_named(tenant_a, boss_a, edm_a, dns, smtp,
                                                                           client_for, settings):
    add_and_publish(tenant_a, boss_a, dns)
    configure(tenant_a, boss_a, smtp, smtp_username="news", smtp_password="s3cret-pw")
    with in_tenant(tenant_a):
        cursor = connection.cursor()
        cursor.execute("SELECT smtp_password FROM edm_edmsettings")
        assert cursor.fetchone()[0].startswith("fernet:")
        configure(tenant_a, boss_a, smtp, smtp_password="")
        assert EdmSettings.objects.get().smtp_password == "s3cret-pw"  # empty keeps the stored one
    api = client_for(tenant_a, boss_a)
    shown = api.get("/api/v1/edm/settings/").json()
    assert "smtp_password" not in shown and shown["has_password"] is True
    assert "s3cret-pw" not in api.get("/edm/setup/").content.decode()
    bad = api.patch("/api/v1/edm/settings/", {"from_address": "a@other.cn", "pool_size": 50},
                    content_type="application/json")
    assert bad.status_code == 400 and "pool_size" in bad.json()["errors"]
    bad = api.patch("/api/v1/edm/settings/", {"from_address": "a@other.cn"}, content_type="application/json")
    assert bad.status_code == 400 and "other.cn" in str(bad.json()["errors"]["from_address"])
    settings.EDM_ALLOWED_SMTP_HOSTS = []
    loopback = api.patch("/api/v1/edm/settings/", {"smtp_host": "127.0.0.1"}, content_type="application/json")
    assert loopback.status_code == 400 and "smtp_host" in loopback.json()["errors"]


def test_a_verified_domain_whose_record_goes_is_rechecked_and_held(tenant_a, boss_a, edm_a, dns):
    domain = add_and_publish(tenant_a, boss_a, dns)
    assert domain.is_verified
    dns.txt.pop(f"{domain.selector}._domainkey.{domain.domain}")
    with in_tenant(tenant_a):
        assert services.check_due() == 0  # checked just now
        assert services.check_due(now=timezone.now() + timedelta(hours=25)) == 1
        domain.refresh_from_db()
        assert domain.status == SendingDomain.Status.FAILED and domain.check_problems == ["dkim_missing"]


def test_company_b_cannot_see_or_act_on_company_a_domains(tenant_a, tenant_b, boss_a, edm_a, switch_module, dns,
                                                          client_for):
    from saas_core.accounts.models import User

    switch_module(tenant_b, "edm", True)
    with in_tenant(tenant_a):
        domain = services.add_domain(by=boss_a, domain="secret-a.cn")
    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    b = client_for(tenant_b, boss_b)
    assert b.get(f"/api/v1/edm/domains/{domain.pk}/").status_code == 404
    assert b.post(f"/api/v1/edm/domains/{domain.pk}/check/").status_code == 404
    assert b.delete(f"/api/v1/edm/domains/{domain.pk}/").status_code == 404
    assert b.post(f"/edm/setup/domains/{domain.pk}/check/").status_code == 404
    assert b.post(f"/edm/setup/domains/{domain.pk}/remove/").status_code == 404
    assert "secret-a.cn" not in b.get("/edm/setup/").content.decode()
    assert b.get("/api/v1/edm/domains/").json()["count"] == 0


def test_roles_see_the_setup_but_only_the_boss_changes_it(tenant_a, boss_a, edm_a, make_user, client_for, dns):
    director = make_user(tenant_a, username="edm_dir", role="director")
    sales = make_user(tenant_a, username="edm_sales", role="sales")
    with in_tenant(tenant_a):
        domain = services.add_domain(by=boss_a, domain="roles.cn")
    d = client_for(tenant_a, director)
    page = d.get("/edm/setup/").content.decode()
    assert "roles.cn" in page and 'data-testid="edm-settings-form"' not in page
    assert d.post("/edm/setup/domains/", {"dom-domain": "x.cn"}).status_code == 403
    assert d.post("/api/v1/edm/domains/", {"domain": "x.cn"}, content_type="application/json").status_code == 403
    assert d.post(f"/edm/setup/domains/{domain.pk}/check/").status_code == 302  # may check
    assert client_for(tenant_a, sales).post(f"/api/v1/edm/domains/{domain.pk}/check/").status_code == 403
    created = client_for(tenant_a, boss_a).post("/api/v1/edm/domains/", {"domain": "api.roles.cn"},
                                                content_type="application/json")
    assert created.status_code == 201 and {r["kind"] for r in created.json()["records"]} == {"SPF", "DKIM", "DMARC"}
    dup = client_for(tenant_a, boss_a).post("/api/v1/edm/domains/", {"domain": "roles.cn"},
                                            content_type="application/json")
    assert dup.status_code == 400 and "added already" in dup.json()["errors"]["domain"][0]


def test_with_the_module_off_pages_api_menu_and_tasks_are_gone(tenant_a, boss_a, switch_module, client_for):
    from plugins.edm.tasks import campaign_tick, check_domains, read_bounce_mailbox, send_campaign

    switch_module(tenant_a, "edm", False)
    client = client_for(tenant_a, boss_a)
    assert client.get("/edm/setup/").status_code == 404
    assert client.get("/api/v1/edm/domains/").status_code == 404
    assert client.get("/api/v1/edm/settings/").status_code == 404
    assert "/edm/setup/" not in client.get("/").content.decode()
    with in_tenant(tenant_a):
        assert check_domains.apply().get() == {"refused": "module_off", "module": "edm"}
        for task, args in ((read_bounce_mailbox, ()), (campaign_tick, ()), (send_campaign, (1,))):
            assert task.apply(args).get() == {"refused": "module_off", "module": "edm"}, task.name
    assert client.get("/edm/campaigns/1/recipients/1/").status_code == 404
    assert client.get("/customers/1/panels/edm/").status_code == 404
    switch_module(tenant_a, "edm", True)
    assert "/edm/setup/" in client.get("/").content.decode()
