"""EDM test fixtures: a DNS server on loopback that serves the records a test publishes, an SMTP
server on loopback that checks each message's DKIM signature against that DNS, and the module on."""

from __future__ import annotations

import asyncio
from email import message_from_bytes, policy

import pytest
from dnslib import QTYPE, RR, TXT
from dnslib.server import BaseResolver, DNSServer

from tests.conftest import free_port


class Zone(BaseResolver):
    """TXT records by name; anything else is NXDOMAIN."""

    def __init__(self):
        self.txt: dict[str, list[str]] = {}

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        if request.q.qtype in (QTYPE.TXT, QTYPE.ANY) and name in self.txt:
            for value in self.txt[name]:
                chunks = [value[i:i + 255] for i in range(0, len(value), 255)]
                reply.add_answer(RR(name, QTYPE.TXT, rdata=TXT(chunks), ttl=60))
        elif name not in self.txt:
            reply.header.rcode = 3  # NXDOMAIN
        return reply

    def publish(self, records) -> None:
        """Publish a domain's records as the page shows them (``services.records``)."""
        for r in records:
            self.txt.setdefault(r.host.lower(), []).append(r.value)


@pytest.fixture(scope="session")
def dns_zone():
    zone = Zone()
    port = free_port()
    server = DNSServer(zone, port=port, address="127.0.0.1", tcp=False)
    server.start_thread()
    zone.port = port
    yield zone
    server.stop()


@pytest.fixture
def dns(dns_zone, settings):
    """The product's DNS look-ups go to the loopback zone, emptied."""
    settings.EDM_DNS_NAMESERVERS = [f"127.0.0.1:{dns_zone.port}"]
    dns_zone.txt.clear()
    yield dns_zone
    dns_zone.txt.clear()


def dkim_check(raw: bytes, zone: Zone) -> bool:
    import dkim

    def lookup(name, timeout=5):
        values = zone.txt.get(name.decode().rstrip(".").lower(), [])
        return values[0].encode() if values else None

    return dkim.verify(raw, dnsfunc=lookup)


@pytest.fixture(scope="session")
def dkim_smtp(dns_zone):
    """A real SMTP server (aiosmtpd) on loopback; each message received is kept with whether its
    DKIM signature verified (dkimpy, against the loopback zone)."""
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.received: list[dict] = []
            self.reply: str | None = None  # e.g. "550 5.1.1 no such user" to refuse
            self.delay = 0.0  # seconds the server takes before it answers DATA

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if self.reply and self.reply.startswith(("4", "5")):
                return self.reply
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            if self.delay:
                await asyncio.sleep(self.delay)
            raw = envelope.original_content or envelope.content
            self.received.append({
                "from": envelope.mail_from, "to": list(envelope.rcpt_tos), "raw": raw,
                "message": message_from_bytes(raw, policy=policy.default), "dkim": dkim_check(raw, dns_zone),
            })
            return "250 OK"

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), decode_data=False)
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def smtp(dkim_smtp, settings):
    settings.EDM_ALLOWED_SMTP_HOSTS = ["127.0.0.1"]
    dkim_smtp.received.clear()
    dkim_smtp.reply = None
    yield dkim_smtp
    dkim_smtp.received.clear()
    dkim_smtp.reply = None


@pytest.fixture
def edm_a(tenant_a, switch_module):
    """EDM switched on in tenant A (through the vendor's override)."""
    switch_module(tenant_a, "edm", True)
    return tenant_a
