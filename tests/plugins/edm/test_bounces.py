"""Bounces and complaints: DSNs (RFC 3464) and feedback reports read from a real POP3 mailbox on
loopback (only our own reports touched), signed webhooks (ours and SendGrid's ECDSA shape),
hard bounces and complaints suppressed, counters once per recipient, auto-pause with the reason."""

from __future__ import annotations

import base64
import json
import socketserver
import threading
import time
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
from django.test import Client

from plugins.edm import bounces, campaigns, services
from plugins.edm.models import Campaign, CampaignRecipient
from saas_core.sending import callbacks, suppression
from saas_core.sending.models import Channel, InboundCallback
from tests.conftest import free_port, in_tenant
from tests.plugins.edm.test_campaigns import customer, ready

pytestmark = pytest.mark.django_db


def sent(tenant, boss, dns, smtp, count=2, **settings_extra):
    with in_tenant(tenant):
        ready(tenant, boss, dns, smtp)
        if settings_extra:
            services.save_settings(by=boss, **settings_extra)
        for i in range(count):
            customer(boss, f"客户{i}", f"联系人{i}", f"p{i:02d}@example.cn")
        template = campaigns.save_template(None, by=boss, name="t", subject="hi", html="<p>hi {contact}</p>")
        audience = campaigns.save_audience(by=boss, name="all", kind="contacts")
        campaign = campaigns.start(campaigns.create_campaign(by=boss, name="c", template=template,
                                                             audience=audience), by=boss)
        campaigns.run(campaign.pk)
    return campaign


def dsn(original: bytes, status: str, action: str = "failed", rcpt: str = "p00@example.cn",
        to: str = "news@mail.alpha-tech.cn") -> bytes:
    """A delivery status notification as an MTA (Postfix) writes one (RFC 3464)."""
    headers = original.split(b"\r\n\r\n", 1)[0]
    return (f"From: MAILER-DAEMON@mx.example.cn\r\nTo: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"BND\"\r\n"
            "\r\n--BND\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            "\r\n--BND\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.cn\r\n\r\n"
            f"Final-Recipient: rfc822; {rcpt}\r\nAction: {action}\r\nStatus: {status}\r\n"
            f"Diagnostic-Code: smtp; 550 {status} mailbox unavailable\r\n"
            "\r\n--BND\r\nContent-Type: text/rfc822-headers\r\n\r\n").encode() + headers + b"\r\n\r\n--BND--\r\n"


def arf(original: bytes) -> bytes:
    """A feedback (complaint) report (RFC 5965) with the original message."""
    report = MIMEMultipart("report", report_type="feedback-report")
    report["Subject"] = "Complaint about message"
    report.attach(MIMEText("This is an abuse report.", "plain"))
    feedback = MIMEText("Feedback-Type: abuse\nUser-Agent: ISP/1.0\nVersion: 1\n", "plain")
    feedback.replace_header("Content-Type", "message/feedback-report")
    report.attach(feedback)
    from email import message_from_bytes

    report.attach(MIMEMessage(message_from_bytes(original)))
    return report.as_bytes()


def raw_to(smtp, address: str) -> bytes:
    return next(m["raw"] for m in smtp.received if m["to"] == [address])


def test_dsn_status_decides_hard_or_soft_and_hard_bounces_and_complaints_are_suppressed(
        tenant_a, boss_a, edm_a, dns, smtp):
    campaign = sent(tenant_a, boss_a, dns, smtp, count=3)
    with in_tenant(tenant_a):
        hard = bounces.parse(dsn(raw_to(smtp, "p00@example.cn"), "5.1.1"))
        soft = bounces.parse(dsn(raw_to(smtp, "p01@example.cn"), "4.2.2", action="delayed"))
        complaint = bounces.parse(arf(raw_to(smtp, "p02@example.cn")))
        assert (hard.kind, hard.status, soft.kind, complaint.kind) == ("hard", "5.1.1", "soft", "complaint")
        for report in (hard, soft, complaint, hard):  # the hard bounce reported twice
            bounces.record(report)
        campaign.refresh_from_db()
        assert (campaign.bounces_hard, campaign.bounces_soft, campaign.complaints) == (1, 1, 1)
        assert suppression.suppressed(Channel.EMAIL, ["p00@example.cn", "p01@example.cn", "p02@example.cn"]) == {
            "p00@example.cn", "p02@example.cn"}
        # The soft bounce turns out permanent: counted as hard, not twice.
        bounces.record(bounces.parse(dsn(raw_to(smtp, "p01@example.cn"), "5.2.1")))
        campaign.refresh_from_db()
        assert (campaign.bounces_hard, campaign.bounces_soft) == (2, 0)
        assert CampaignRecipient.objects.get(email="p01@example.cn").bounce == "hard"
        # Somebody else's bounce, or one with a forged header: not ours.
        assert bounces.parse(dsn(b"Subject: other\r\nX-CRM-Message: x\r\n\r\nhi", "5.1.1")) is None
        forged = raw_to(smtp, "p00@example.cn").replace(b"X-CRM-Message: ", b"X-CRM-Message: t_x")
        assert bounces.parse(dsn(forged, "5.1.1")) is None


class Pop3(socketserver.StreamRequestHandler):
    """Just enough POP3 (RFC 1939) for a mail client: USER/PASS, STAT, RETR, DELE, QUIT."""

    def send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        box = self.server.box
        deleted: set[int] = set()
        self.send("+OK ready")
        while True:
            line = self.rfile.readline().decode().strip()
            if not line:
                return
            command, _sp, arg = line.partition(" ")
            command = command.upper()
            if command == "USER":
                self.send("+OK")
            elif command == "PASS":
                self.send("+OK" if arg == box.password else "-ERR bad password")
            elif command == "STAT":
                self.send(f"+OK {len(box.messages)} {sum(len(m) for m in box.messages)}")
            elif command == "RETR":
                raw = box.messages[int(arg) - 1]
                self.send(f"+OK {len(raw)} octets")
                for body_line in raw.split(b"\r\n") if b"\r\n" in raw else raw.split(b"\n"):
                    self.wfile.write((b"." + body_line if body_line.startswith(b".") else body_line) + b"\r\n")
                self.send(".")
            elif command == "DELE":
                deleted.add(int(arg))
                self.send("+OK")
            elif command == "QUIT":
                box.messages = [m for i, m in enumerate(box.messages, 1) if i not in deleted]
                self.send("+OK bye")
                return
            else:
                self.send("-ERR")


@pytest.fixture
def pop3(settings):
    settings.EDM_ALLOWED_SMTP_HOSTS = ["127.0.0.1"]
    server = socketserver.ThreadingTCPServer(("127.0.0.1", free_port()), Pop3)
    server.box = type("Box", (), {"messages": [], "password": "s3cret"})()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_bounce_mailbox_records_our_reports_and_leaves_everything_else(tenant_a, boss_a, edm_a, dns, smtp, pop3):
    campaign = sent(tenant_a, boss_a, dns, smtp, count=2)
    other = b"From: boss@partner.cn\r\nSubject: lunch?\r\n\r\nAre you free at noon?\r\n"
    foreign_bounce = dsn(b"From: x@y.cn\r\nSubject: theirs\r\n\r\nhello", "5.1.1")
    pop3.box.messages = [other, dsn(raw_to(smtp, "p00@example.cn"), "5.1.1"), foreign_bounce,
                         arf(raw_to(smtp, "p01@example.cn"))]
    with in_tenant(tenant_a):
        config = services.edm_settings()
        config.bounce_protocol, config.bounce_host, config.bounce_port = "pop3", "127.0.0.1", pop3.server_address[1]
        config.bounce_security, config.bounce_username, config.bounce_password = "none", "bounces", "s3cret"
        config.save()
        assert bounces.read_mailbox() == (4, 2)
        campaign.refresh_from_db()
        assert (campaign.bounces_hard, campaign.complaints) == (1, 1)
    assert pop3.box.messages == [other, foreign_bounce]  # only ours were taken


def test_verp_envelope_sender_names_the_recipient(tenant_a, boss_a, edm_a, dns, smtp):
    campaign = sent(tenant_a, boss_a, dns, smtp, count=1)
    with in_tenant(tenant_a):
        config = services.edm_settings()
        config.bounce_address = "bounces@mail.alpha-tech.cn"
        config.save()
        recipient = CampaignRecipient.objects.get()
        verp = bounces.envelope_sender(config, recipient.pk)
        assert verp.startswith(f"bounces+{recipient.pk}-") and verp.endswith("@mail.alpha-tech.cn")
        # A bounce that kept only the envelope (no headers of the original): found by the VERP address.
        report = bounces.parse(dsn(b"Subject: x\r\n\r\nbody", "5.1.1", to=verp))
        assert report is not None and report.recipient_id == recipient.pk
        bounces.record(report)
        campaign.refresh_from_db()
        assert campaign.bounces_hard == 1


def test_signed_webhooks_ours_and_sendgrids_with_forgeries_refused(tenant_a, tenant_b, boss_a, edm_a, dns, smtp,
                                                                   switch_module, django_capture_on_commit_callbacks):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    campaign = sent(tenant_a, boss_a, dns, smtp, count=2)
    key = ec.generate_private_key(ec.SECP256R1())
    public = base64.b64encode(key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
    with in_tenant(tenant_a):
        config = services.edm_settings()
        config.webhook_secret, config.sendgrid_verification_key = "whsec-alpha", public
        config.save()
        first, second = CampaignRecipient.objects.order_by("email")
        token_first, token_second = bounces.message_token(first.pk), bounces.message_token(second.pk)
    provider = Client(HTTP_HOST=tenant_a.host)
    body = json.dumps({"events": [{"event": "bounce", "message": token_first, "status": "5.1.1",
                                   "detail": "no such user"}]}).encode()

    def post(client, kind, data, **headers):
        return client.post(f"/sending/callbacks/{kind}/", data, content_type="application/json", **headers)

    assert post(provider, "edm-events", body, HTTP_X_CRM_SIGNATURE="t=1,v1=00").status_code == 404
    with django_capture_on_commit_callbacks(execute=False):
        ok = post(provider, "edm-events", body, HTTP_X_CRM_SIGNATURE=callbacks.sign("whsec-alpha", body))
    assert ok.status_code == 200
    stamp = str(int(time.time()))
    events = json.dumps([{"email": "p01@example.cn", "event": "spamreport", "crm_message": token_second},
                         {"email": "x@y.cn", "event": "bounce", "crm_message": "t_beta.1.0000"}]).encode()
    signature = base64.b64encode(key.sign(stamp.encode() + events, ec.ECDSA(hashes.SHA256()))).decode()
    sg_headers = {"HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE": signature,
                  "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_TIMESTAMP": stamp}
    assert post(provider, "edm-sendgrid", events + b" ", **sg_headers).status_code == 404  # altered body
    with django_capture_on_commit_callbacks(execute=False):
        assert post(provider, "edm-sendgrid", events, **sg_headers).status_code == 200
    # Another company's host: its own secret, and A's tokens name nobody there.
    switch_module(tenant_b, "edm", True)
    assert post(Client(HTTP_HOST=tenant_b.host), "edm-events", body,
                HTTP_X_CRM_SIGNATURE=callbacks.sign("whsec-alpha", body)).status_code == 404
    with in_tenant(tenant_a):
        for row in InboundCallback.objects.all():
            assert callbacks.process(row.pk) == InboundCallback.Status.DONE
        campaign.refresh_from_db()
        assert (campaign.bounces_hard, campaign.complaints) == (1, 1)
        assert suppression.suppressed(Channel.EMAIL, ["p00@example.cn", "p01@example.cn"]) == {
            "p00@example.cn", "p01@example.cn"}
    switch_module(tenant_a, "edm", False)
    assert post(provider, "edm-events", body,
                HTTP_X_CRM_SIGNATURE=callbacks.sign("whsec-alpha", body)).status_code == 404


def test_a_high_hard_bounce_rate_pauses_the_campaign_with_the_reason_and_resume_goes_on(
        tenant_a, boss_a, edm_a, dns, smtp, settings, client_for, monkeypatch):
    settings.EDM_AUTO_PAUSE_MIN_SENT = 10
    monkeypatch.setattr(campaigns, "BATCH", 10)
    with in_tenant(tenant_a):
        ready(tenant_a, boss_a, dns, smtp)
        for i in range(30):
            customer(boss_a, f"客户{i}", f"联系人{i}", f"p{i:02d}@example.cn")
        template = campaigns.save_template(None, by=boss_a, name="t", subject="hi", html="<p>hi</p>")
        audience = campaigns.save_audience(by=boss_a, name="all", kind="contacts")
        campaign = campaigns.start(campaigns.create_campaign(by=boss_a, name="c", template=template,
                                                             audience=audience), by=boss_a)
        # The first ten go out; one of them bounces hard (10% > 5%) before the next batch.
        real_check = campaigns.limits.check

        def bounce_then_check(campaign_id):
            if not CampaignRecipient.objects.filter(bounce="hard").exists():
                bounces.record(bounces.Report(CampaignRecipient.objects.filter(status="sent").first().pk, "hard",
                                              "5.1.1"))
            return real_check(campaign_id)

        monkeypatch.setattr(campaigns.limits, "check", bounce_then_check)
        assert campaigns.run(campaign.pk) == "stopped"
        campaign.refresh_from_db()
        assert campaign.status == Campaign.Status.PAUSED and campaign.sent == 10
        assert "hard-bounce rate is 10%" in campaign.pause_reason
    page = client_for(tenant_a, boss_a).get(f"/edm/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="edm-pause-reason"' in page and "hard-bounce rate is 10%" in page
    with in_tenant(tenant_a):
        campaigns.resume(campaign, by=boss_a)
        assert campaigns.run(campaign.pk) == "done"  # the sender decided to go on: no second pause
        campaign.refresh_from_db()
        assert campaign.sent == 30 and campaign.auto_pause is False


def test_errors_and_complaints_pause_too(tenant_a, boss_a, edm_a, dns, smtp, settings, monkeypatch):
    settings.EDM_AUTO_PAUSE_MIN_SENT = 10
    monkeypatch.setattr(campaigns, "BATCH", 10)
    campaign = sent(tenant_a, boss_a, dns, smtp, count=12)
    with in_tenant(tenant_a):
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING)
        bounces.record(bounces.Report(CampaignRecipient.objects.first().pk, "complaint"))
        campaign.refresh_from_db()
        assert campaign.status == Campaign.Status.PAUSED and "complaint rate" in campaign.pause_reason
    smtp.reply = "550 5.7.1 rejected"
    with in_tenant(tenant_a):
        template = campaigns.EmailTemplate.objects.get()
        audience = campaigns.Audience.objects.get()
        for i in range(12, 40):
            customer(boss_a, f"新客户{i}", f"联系人{i}", f"n{i:02d}@example.cn")
        failing = campaigns.start(campaigns.create_campaign(by=boss_a, name="d", template=template,
                                                            audience=audience), by=boss_a)
        assert campaigns.run(failing.pk) == "stopped"
        failing.refresh_from_db()
        assert failing.status == Campaign.Status.PAUSED and "error rate is 100%" in failing.pause_reason
        assert failing.failed == 10
