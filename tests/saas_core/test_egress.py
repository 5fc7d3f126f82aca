"""The egress guard on its own: which addresses a company's URL may reach, and that a connection
made inside ``public_only`` goes to the address that was checked (a DNS answer or a redirect
pointing inward is refused before a byte is sent)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from saas_core import egress

FORBIDDEN = {
    "https://127.0.0.1": "loopback", "https://127.1.2.3:8443": "loopback", "https://localhost": "loopback",
    "https://0x7f000001": "loopback", "https://2130706433": "loopback", "https://[::1]": "loopback",
    "https://10.1.2.3": "private", "https://172.16.0.1": "private", "https://192.168.1.10": "private",
    "https://[fd12:3456::1]": "private", "https://192.0.0.8": "private",
    "https://169.254.1.1": "link-local", "https://[fe80::1]": "link-local",
    "https://169.254.169.254": "cloud metadata", "https://100.100.100.200": "cloud metadata",
    "https://[fd00:ec2::254]": "cloud metadata",
    "https://100.64.0.1": "shared (carrier-grade NAT)",
    "https://224.0.0.1": "multicast", "https://239.255.255.250": "multicast", "https://[ff02::1]": "multicast",
    "https://240.0.0.1": "reserved", "https://0.0.0.0": "unspecified", "https://[::]": "unspecified",
    "https://[::ffff:127.0.0.1]": "loopback", "https://[::ffff:169.254.169.254]": "cloud metadata",
    "https://[::ffff:10.0.0.1]": "private", "https://[2002:7f00:1::]": "loopback",
    "https://[64:ff9b::a9fe:a9fe]": "cloud metadata",
}


@pytest.mark.parametrize(("url", "kind"), FORBIDDEN.items())
def test_inner_addresses_are_refused_with_their_kind(url, kind):
    with pytest.raises(egress.ForbiddenDestination) as refused:
        egress.check_endpoint(url, [])
    assert f"a {kind} address" in str(refused.value)


def test_a_name_that_resolves_to_loopback_is_refused_naming_the_address():
    with pytest.raises(egress.ForbiddenDestination, match=r"localhost resolves to (127\.0\.0\.1|::1), a loopback"):
        egress.check_endpoint("localhost:8421", [])


@pytest.mark.parametrize("url", ["https://8.8.8.8", "8.8.4.4:8443", "https://[2606:4700:4700::1111]/"])
def test_public_https_addresses_are_accepted(url):
    egress.check_endpoint(url, [])


@pytest.mark.parametrize(("url", "message"), [
    ("http://8.8.8.8", "must use https"),
    ("ftp://8.8.8.8", "https://host[:port]"),
    ("https://8.8.8.8/some/path", "https://host[:port]"),
    ("https://user:pw@8.8.8.8", "https://host[:port]"),
    ("https://8.8.8.8:99999", "https://host[:port]"),
    ("https://no-such-host.invalid", "could not be found"),
])
def test_other_bad_endpoints_are_named(url, message):
    with pytest.raises(egress.ForbiddenDestination, match=message.replace("[", r"\[").replace("]", r"\]")):
        egress.check_endpoint(url, [])


def test_the_operators_list_makes_exceptions_by_address_network_or_name():
    egress.check_endpoint("http://127.0.0.1:8421", ["127.0.0.1"])
    egress.check_endpoint("http://10.20.30.40", ["10.0.0.0/8"])
    egress.check_endpoint("http://localhost:8421", ["LOCALHOST"])
    with pytest.raises(egress.ForbiddenDestination, match="loopback"):
        egress.check_endpoint("http://127.0.0.2:8421", ["127.0.0.1"])


class Recorder:
    """A loopback HTTP server that records what reaches it; ``redirect_to`` makes it answer 307."""

    def __init__(self, host="127.0.0.1", redirect_to=""):
        self.hits = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                recorder.hits.append(self.path)
                if redirect_to:
                    self.send_response(307)
                    self.send_header("Location", redirect_to)
                else:
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def inner():
    server = Recorder()
    yield server
    server.stop()


def test_a_connection_inside_the_guard_cannot_reach_an_inner_address(inner):
    """What a DNS answer that changed after the check would meet: the connection itself is refused."""
    assert requests.get(inner.url, timeout=5).status_code == 200  # outside the guard: as before
    with egress.public_only([]), pytest.raises(requests.ConnectionError) as refused:
        requests.get(inner.url.replace("127.0.0.1", "localhost"), timeout=5)
    assert "loopback" in str(egress.refused_in(refused.value))
    assert inner.hits == ["/"]


def test_a_redirect_to_an_inner_address_is_not_followed(inner):
    redirector = Recorder("127.0.0.2", redirect_to=inner.url + "/secret")
    try:
        with egress.public_only(["127.0.0.2"]), pytest.raises(requests.ConnectionError) as refused:
            requests.get(redirector.url + "/start", timeout=5)
        assert egress.refused_in(refused.value) is not None
        assert redirector.hits == ["/start"] and inner.hits == []
        # without the guard the same request would have reached it
        requests.get(redirector.url + "/again", timeout=5)
        assert inner.hits == ["/secret"]
    finally:
        redirector.stop()


def test_a_dns_answer_that_turns_inward_after_the_check_is_refused(inner, monkeypatch):
    """DNS rebinding: the name is public when the endpoint is checked, loopback a moment later.
    The resolver is the network boundary we cannot run here, so its answers are scripted."""
    real = socket.getaddrinfo
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            return real(next(answers), *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = inner.url.rsplit(":", 1)[1]
    egress.check_endpoint(f"rebind.example:{port}", [])  # public at save time
    with egress.public_only([]), pytest.raises(requests.ConnectionError) as refused:
        requests.get(f"http://rebind.example:{port}/", timeout=5)
    assert "rebind.example resolves to 127.0.0.1, a loopback address" in str(egress.refused_in(refused.value))
    assert inner.hits == []
    requests.get(f"http://rebind.example:{port}/unguarded", timeout=5)  # what the SDKs did before
    assert inner.hits == ["/unguarded"]
