"""The browser tests wait 30 s for every navigation, click and expectation, without saying so.

On a shared CI machine at load average 30 a signup's navigation took longer than the 10 s a
click then waited, and the suite failed although the product worked. The defaults are set once
in tests/browser/conftest.py; this test holds them: a page that answers after 16 s and a button
that appears after 11 s (each beyond the old defaults of 15 s and 10 s) are reached.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

LATE_BUTTON = """<!doctype html><title>late</title><body><script>
setTimeout(() => document.body.insertAdjacentHTML("beforeend", "<button id=late>OK</button>"), 11000);
</script></body>"""


@contextmanager
def slow_server(delay: float) -> Iterator[str]:
    """A loopback HTTP server that answers every GET after ``delay`` seconds."""

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's hook name
            time.sleep(delay)
            body = b"<!doctype html><title>slow</title><h1>Finally</h1>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_slow_navigations_and_late_elements_are_waited_for(page: Page):
    with slow_server(16) as url:
        page.goto(url)
        expect(page.locator("h1")).to_have_text("Finally")
    page.set_content(LATE_BUTTON)
    page.locator("#late").click()
    page.set_content(LATE_BUTTON)
    expect(page.locator("#late")).to_be_visible()
