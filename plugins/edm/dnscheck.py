"""Checking a sending domain's records in DNS: the one place the module asks DNS anything.

The resolver is dnspython's, pointed at ``EDM_DNS_NAMESERVERS`` (``["127.0.0.1:5353"]``) when the
operator sets it, else at the system's. The tests point it at a DNS server on loopback that
serves the records a test publishes: the check runs for real, only the zone is ours.
"""

from __future__ import annotations

import dns.exception
import dns.resolver
from django.conf import settings

TIMEOUT = 5.0


def resolver() -> dns.resolver.Resolver:
    servers = list(getattr(settings, "EDM_DNS_NAMESERVERS", None) or [])
    if not servers:
        found = dns.resolver.Resolver()
    else:
        found = dns.resolver.Resolver(configure=False)
        found.nameservers = []
        for server in servers:
            host, _sep, port = server.rpartition(":") if server.count(":") == 1 else (server, "", "")
            found.nameservers.append(host or server)
            if port:
                found.port = int(port)
    found.lifetime = TIMEOUT
    found.timeout = TIMEOUT
    return found


def txt(name: str) -> list[str]:
    """The TXT strings at ``name`` (each record's parts joined); [] when there are none."""
    try:
        answer = resolver().resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers):
        return []
    return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]


class DnsUnavailable(Exception):
    """DNS did not answer: the check says so, and the domain keeps its status."""


def txt_or_raise(name: str) -> list[str]:
    try:
        return txt(name)
    except (dns.exception.Timeout, OSError) as exc:
        raise DnsUnavailable(str(exc)) from exc
