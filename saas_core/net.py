"""The client's IP address, trusting X-Forwarded-For only from configured proxies."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _is_trusted(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str | None:
    """Walk X-Forwarded-For from the right while the hop is a trusted proxy.

    A client can put anything in the header; only entries appended by our own proxies are
    believed, so the first untrusted hop from the right is the client.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not remote or not _is_trusted(remote):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return hops[0] if hops else remote
