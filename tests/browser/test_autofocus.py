"""In a real browser, under the strict Content-Security-Policy: a form page opens with the cursor
in its first field (the autofocus attribute; no script), so one can start typing at once."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]


@pytest.mark.parametrize("width", [1440, 390])
def test_sign_in_and_signup_open_with_the_cursor_in_the_first_field(page: Page, live_site, tenant_a, width):
    page.set_viewport_size({"width": width, "height": 900})
    port = urlsplit(live_site).port
    page.goto(f"http://{tenant_a.host}:{port}/accounts/login/")
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.type("typed-at-once")
    assert page.input_value("input[name=username]") == "typed-at-once"
    page.goto(f"{live_site}/signup/")
    assert page.evaluate("document.activeElement.name") == "company_name"
