"""Outbound HTTP to addresses a company chose (SSRF): public internet addresses only.

A company may point a service at its own URL (the SMS gateway's endpoint). Our servers must not
then call themselves, the cloud's metadata service or anything else inside the operator's
network on its behalf. Two checks, both here:

- ``check_endpoint(url, allowed)`` when the URL is saved (and again right before it is used):
  https only, the host resolved, and every address it resolves to public; the error names the
  problem for the form or the API.
- ``public_only(allowed)`` around the call itself: every connection opened inside it (by any
  SDK built on urllib3, redirects included) resolves the host once, refuses it unless every
  address is public, and connects to exactly the addresses it checked. So a name whose DNS
  answer changes after the check (DNS rebinding), or a redirect to ``http://127.0.0.1``, cannot
  reach an inner address.

``allowed`` is the operator's list (an environment variable, never a company's setting) of host
names, addresses and networks that may be called even though they are not public, and over
plain http: a private gateway of an on-premises installation, a development or test server on
loopback. A proxy the operator sets with ``HTTPS_PROXY`` is connected to first, so it must be on
that list if it is not public.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services (AWS/GCP/Azure/OpenStack, AWS ECS and IPv6, Alibaba Cloud, Oracle Cloud).
METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "192.0.0.192",
))
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
_IETF = ipaddress.ip_network("192.0.0.0/24")  # protocol assignments (Python 3.11 calls it global)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class ForbiddenDestination(OSError):
    """The destination is not a public address the operator lets companies call.

    An ``OSError``, so that urllib3 reports it like any failed connection (and the callers can
    find it in the exception chain); the message is for the person who set the URL.
    """


@dataclass(frozen=True)
class Allowance:
    """The operator's exceptions: host names, and networks (a single address is a /32 or /128)."""

    names: frozenset[str]
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    @classmethod
    def of(cls, entries: Iterable[str] | None) -> Allowance:
        names, networks = set(), []
        for entry in entries or ():
            entry = entry.strip().lower().strip("[]")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                names.add(entry.rstrip("."))
        return cls(frozenset(names), tuple(networks))

    def covers_name(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.names

    def covers(self, address: Address) -> bool:
        return any(address in network for network in self.networks)


def kind_of(address: Address) -> str:
    """Why ``address`` may not be called (a phrase for the message), or "" when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is not None and (kind := kind_of(embedded)):
            return kind
    if address in METADATA:
        return pgettext("address", "cloud metadata")
    if address.is_unspecified:
        return pgettext("address", "unspecified")
    if address.is_loopback:
        return pgettext("address", "loopback")
    if address.is_link_local:
        return pgettext("address", "link-local")
    if address.is_multicast:
        return pgettext("address", "multicast")
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return pgettext("address", "shared (carrier-grade NAT)")
    if address.is_reserved:
        return pgettext("address", "reserved")
    if address.is_private or (isinstance(address, ipaddress.IPv4Address) and address in _IETF):
        return pgettext("address", "private")
    if not address.is_global:
        return pgettext("address", "non-public")
    return ""


def _addresses(host: str, port: int | None) -> list[Address]:
    """The addresses ``host`` resolves to (one DNS look-up; raises ``socket.gaierror``)."""
    found = []
    for *_rest, sockaddr in socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM):
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def _refusal(host: str, addresses: list[Address], allowance: Allowance) -> str:
    for address in addresses:
        if allowance.covers(address):
            continue
        if kind := kind_of(address):
            if str(address) == host:
                return _("%(host)s is a %(kind)s address; only public internet addresses may be used.") % {
                    "host": host, "kind": kind}
            return _("%(host)s resolves to %(address)s, a %(kind)s address; only public internet addresses may be "
                     "used.") % {"host": host, "address": address, "kind": kind}
    return ""


def split_url(url: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of ``https://host[:port]`` or ``host[:port]`` (https); ValueError
    for anything else (a path, a query, user info, a bad port)."""
    raw = (url or "").strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    port = parts.port  # raises ValueError for a bad port
    if (parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.username is not None
            or parts.password is not None or parts.path not in ("", "/") or parts.query or parts.fragment):
        raise ValueError(url)
    return parts.scheme.lower(), parts.hostname.lower(), port


def check_endpoint(url: str, allowed: Iterable[str] | Allowance | None = None) -> None:
    """Raise ``ForbiddenDestination`` (message for the user) unless ``url`` may be called."""
    allowance = allowed if isinstance(allowed, Allowance) else Allowance.of(allowed)
    try:
        scheme, host, port = split_url(url)
    except ValueError:
        raise ForbiddenDestination(_("Give the endpoint as https://host[:port] or host[:port].")) from None
    if allowance.covers_name(host):
        return
    try:
        addresses = _addresses(host, port)
    except (socket.gaierror, UnicodeError):
        raise ForbiddenDestination(_("The host %(host)s could not be found (DNS).") % {"host": host}) from None
    if refusal := _refusal(host, addresses, allowance):
        raise ForbiddenDestination(refusal)
    if scheme != "https" and not all(allowance.covers(a) for a in addresses):
        raise ForbiddenDestination(_("The endpoint must use https."))


def check_host(host: str, port: int | None, allowed: Iterable[str] | Allowance | None = None) -> None:
    """Raise ``ForbiddenDestination`` unless a company's server at ``host`` (an SMTP server, not a
    URL) may be reached: a public address, or one the operator allows."""
    allowance = allowed if isinstance(allowed, Allowance) else Allowance.of(allowed)
    host = (host or "").strip().lower()
    if allowance.covers_name(host):
        return
    try:
        addresses = _addresses(host, port)
    except (socket.gaierror, UnicodeError):
        raise ForbiddenDestination(_("The host %(host)s could not be found (DNS).") % {"host": host}) from None
    if refusal := _refusal(host, addresses, allowance):
        raise ForbiddenDestination(refusal)


# --- the connection guard ---------------------------------------------------------------------
#
# The three SMS SDKs each build their own requests session (one of them cached inside the SDK),
# so there is no adapter we could mount on all of them; what they all share is urllib3's
# ``create_connection``. It is wrapped once; outside ``public_only`` the wrapper is the original.

_policy: contextvars.ContextVar[Allowance | None] = contextvars.ContextVar("egress_policy", default=None)
_installed = False


def _guarded(original):
    def create_connection(address, *args, **kwargs):
        allowance = _policy.get()
        if allowance is None:
            return original(address, *args, **kwargs)
        host, port = address
        host = host.strip("[]")
        if allowance.covers_name(host):
            return original(address, *args, **kwargs)
        addresses = _addresses(host, port)  # socket.gaierror propagates: urllib3 reports it as usual
        if refusal := _refusal(host, addresses, allowance):
            raise ForbiddenDestination(refusal)
        error: OSError | None = None
        for checked in addresses:  # connect to the addresses checked, not to a second look-up
            try:
                return original((str(checked), port), *args, **kwargs)
            except OSError as exc:
                error = exc
        raise error or OSError(f"no address for {host}")

    create_connection.egress_guard = True
    return create_connection


def _install() -> None:
    global _installed
    if _installed:
        return
    from urllib3.util import connection

    if not getattr(connection.create_connection, "egress_guard", False):
        connection.create_connection = _guarded(connection.create_connection)
    _installed = True


@contextlib.contextmanager
def public_only(allowed: Iterable[str] | Allowance | None = None) -> Iterator[None]:
    """Within this block, HTTP connections (through urllib3) go to public addresses only."""
    _install()
    token = _policy.set(allowed if isinstance(allowed, Allowance) else Allowance.of(allowed))
    try:
        yield
    finally:
        _policy.reset(token)


def refused_in(exc: BaseException | None) -> ForbiddenDestination | None:
    """The ``ForbiddenDestination`` behind an SDK's exception, if that is what stopped it.

    Follows the exception chain, and ``inner_exception``, where Alibaba Cloud's SDK keeps the
    cause of the exception it raises after its retry loop."""
    pending, seen = [exc], set()
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        if isinstance(current, ForbiddenDestination):
            return current
        seen.add(id(current))
        pending.extend((current.__cause__, current.__context__, getattr(current, "inner_exception", None)))
    return None
