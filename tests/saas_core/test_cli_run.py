"""``crm run`` (what ``dev.py run`` starts): loopback by default, the banner once the server
answers, localstripe's webhooks reaching our handler, e-mail caught for /dev/mail/."""

from __future__ import annotations

import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
import stripe
from django.conf import settings

from billing import stripe_api
from billing.models import StripeEvent
from saas_core import cli, embedded
from tests.conftest import STRIPE_WEBHOOK_SECRET, free_port


def test_it_listens_on_loopback_unless_asked_for_all_interfaces():
    parser = cli.build_parser()
    assert cli.listen_address(parser.parse_args(["run"])) == "127.0.0.1"
    assert cli.listen_address(parser.parse_args(["run", "--public"])) == "0.0.0.0"  # noqa: S104
    assert cli.listen_address(parser.parse_args(["run", "--host", "192.168.1.5"])) == "192.168.1.5"


def _slow_server(port: int, delay: float) -> subprocess.Popen:
    """An HTTP server that takes ``delay`` seconds to start listening, as uvicorn takes to import the project."""
    code = (f"import time, http.server; time.sleep({delay}); "
            f"http.server.HTTPServer(('127.0.0.1', {port}), http.server.BaseHTTPRequestHandler).serve_forever()")
    return subprocess.Popen([sys.executable, "-c", code])


def test_the_banner_appears_when_the_server_answers_not_before(capsys):
    port = free_port()
    server = _slow_server(port, 2)
    try:
        started = time.monotonic()
        cli._announce_when_answering("127.0.0.1", str(port), "localhost", [server], None, stopped=lambda: False)
        waited = time.monotonic() - started
        out = capsys.readouterr().out
        assert waited >= 1.5
        assert "CRM is running." in out and f"http://localhost:{port}/" in out
        assert "Listening on 127.0.0.1 only (--public for all interfaces)." in out
        # The links work when they appear: the server already answers.
        import urllib.error
        import urllib.request

        with pytest.raises(urllib.error.HTTPError):  # BaseHTTPRequestHandler: 501, but an answer
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # noqa: S310
    finally:
        server.kill()
        server.wait()


def test_a_web_server_that_dies_gets_an_error_not_a_banner(capsys):
    dead = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
    dead.wait()
    cli._announce_when_answering("127.0.0.1", str(free_port()), "localhost", [dead], None, stopped=lambda: False)
    captured = capsys.readouterr()
    assert "CRM is running." not in captured.out
    assert "the web server did not answer" in captured.err


def test_without_email_host_the_dev_run_catches_mail_for_the_dev_page(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "DATA_DIR", tmp_path)
    env: dict = {}
    catcher = cli._start_mail_catcher(env)
    try:
        assert env["EMAIL_HOST"] == "127.0.0.1" and env["EMAIL_PORT"] == str(catcher.port)
        assert env["DEV_MAIL_DIR"] == str(tmp_path / "dev-mail")
    finally:
        catcher.stop()
    # An operator's own SMTP server is left alone, and then there is no dev page.
    configured = {"EMAIL_HOST": "smtp.example.com"}
    assert cli._start_mail_catcher(configured) is None and "DEV_MAIL_DIR" not in configured


@pytest.mark.live
def test_localstripe_events_reach_our_webhook_handler(live_server_url, live_db, stripe_server):
    """The dev run registers the webhook at the public site's host: at 127.0.0.1 host routing
    found no site and answered 404, so no event ever arrived."""
    port = urlsplit(live_server_url).port
    url = cli.localstripe_webhook_url(settings.BASE_DOMAIN, port)
    assert url == f"http://localhost:{port}/stripe/webhook/"
    cli.register_localstripe_webhook(stripe_server, url, STRIPE_WEBHOOK_SECRET)
    stripe_api.configure()
    customer = stripe.Customer.create(email="hooks@dev-run.example.com")
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if StripeEvent.objects.filter(object_id=customer.id, type="customer.created").exists():
                break
            time.sleep(0.3)
        assert StripeEvent.objects.filter(object_id=customer.id, type="customer.created").exists()
    finally:
        StripeEvent.objects.filter(object_id=customer.id).delete()
