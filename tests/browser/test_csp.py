"""In real Chromium: the pages run under the Content-Security-Policy with nothing refused, and
what moved out of inline code (live searches, pickers, confirmations, auto-submitting selects,
charts, Swagger UI) still works.

Every refusal the browser reports, as a ``securitypolicyviolation`` event or a console message,
fails the test with the page and what was refused.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import require_browser_stack
from tests.browser.helpers import new_customer, sign_up
from tests.web.test_shell import menu_links

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]
STAFF_PASSWORD = "Vendor-Csp-Console-2026!"
LONG = 30_000  # navigations and clicks on a loaded machine

_LISTEN = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation([e.effectiveDirective, e.blockedURI || "inline", (e.sourceFile || "") + ":" + e.lineNumber,
                         e.sample || ""].join(" "));
});
"""


def watch(page: Page) -> list[str]:
    """The CSP refusals this browser profile meets from now on (events and console messages)."""
    found: list[str] = []
    page.context.expose_binding("__cspViolation", lambda source, text: found.append(f"{source['page'].url}: {text}"))
    page.context.add_init_script(_LISTEN)

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            found.append(f"{page.url}: console: {message.text}")

    page.context.on("console", on_console)
    return found


def visit(page: Page, url: str) -> None:
    response = page.goto(url, timeout=LONG, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    assert response.headers.get("content-security-policy"), f"{url} has no Content-Security-Policy"


def test_chromium_enforces_the_policy_and_the_watch_sees_refusals(page: Page, live_site):
    """Inline code put into a page does not run and is reported, so the test below can fail."""
    refused = watch(page)
    visit(page, live_site + "/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.appendChild(script);
        document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
    }""")
    expect(page.locator("#styled")).to_be_attached()
    assert page.evaluate("() => window.__ran === undefined")
    assert page.evaluate("() => getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    page.wait_for_timeout(500)  # violation events are dispatched asynchronously
    assert any("script-src" in v for v in refused), refused
    assert any("style-src" in v for v in refused), refused


def test_main_pages_run_under_the_policy_and_their_interactive_parts_work(page: Page, live_site, screenshots):
    refused = watch(page)
    page.set_default_timeout(LONG)
    expect.set_options(timeout=LONG)

    # Signup: the live address check (fetch, connect-src) and the redirect to the new workspace
    # (form-action allows the workspaces' hosts).
    base = sign_up(page, live_site, "Boss Policy", company="Policy")

    # The customer form's live duplicate search, then a twin typed in shows the warning.
    new_customer(page, base, "杭州云帆科技有限公司")
    visit(page, base + "/customers/new/")
    page.locator("#id_name").fill("杭州云帆科技有限公司")
    expect(page.locator("[data-testid=live-duplicate]")).to_contain_text("杭州云帆科技有限公司")
    new_customer(page, base, "宁波海曙贸易公司")

    # The list: tick all counts the rows; the page-size select submits itself.
    visit(page, base + "/customers/")
    page.locator("#select-all").check()
    expect(page.locator("#batch-count")).to_have_text("2")
    page.locator("[data-testid=page-size]").select_option("50")
    expect(page).to_have_url(re.compile(r"page_size=50"))

    # The 360° view and the charts (ECharts draws into canvases).
    page.locator("[data-testid=customer-name]").first.click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/customers/\d+/$"))
    visit(page, base + "/customers/charts/")
    expect(page.locator("#charts")).to_have_attribute("data-loaded", "1")
    canvas = page.locator("#charts canvas").first
    expect(canvas).to_be_visible()
    box, before = canvas.bounding_box(), canvas.screenshot()
    for x, y in [(0.3, 0.45), (0.7, 0.45), (0.5, 0.2), (0.5, 0.45)]:  # over the ring or the bars
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
        page.wait_for_timeout(500)
        if canvas.screenshot() != before:  # the hovered slice and its tooltip are drawn
            break
    else:
        pytest.fail("hovering the chart drew no tooltip")

    # A form with date and time pickers.
    start = (datetime.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    visit(page, base + "/activities/tasks/new/")
    page.locator("#id_title").fill("Prepare the tender")
    page.locator("#id_starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_ends_at").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("[data-testid=save-task]").click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/activities/tasks/\d+/$"))

    # The calendar: choosing whose items submits the form.
    visit(page, base + f"/activities/calendar/?date={start:%Y-%m-%d}")
    page.locator("[data-testid=calendar-who]").select_option("team")
    expect(page).to_have_url(re.compile(r"who=team"))

    # Swagger UI, started from a script file, draws the API.
    visit(page, base + "/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("CRM API")
    expect(page.locator(".opblock").first).to_be_visible()

    # Every menu page (the Boss's menu: import, billing, settings, logs, reports ...).
    visit(page, base + "/workbench/")
    links = menu_links(page.content())
    assert {"/imports/", "/billing/"} <= set(links), links
    for link in links:
        visit(page, base + link)
    visit(page, base + "/imports/new/customers/")
    page.screenshot(path=str(screenshots / "csp-import.png"))

    assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)


def test_vendor_console_runs_under_the_policy_and_asks_before_deactivating(page: Page, live_site):
    from saas_core.accounts.models import User
    from tenants.console.staff import create_vendor_staff

    staff, _ = create_vendor_staff(email="csp-ops@vendor.example.com", password=STAFF_PASSWORD, name="Ops")
    other, _ = create_vendor_staff(email="csp-other@vendor.example.com", password=STAFF_PASSWORD, name="Other")
    try:
        refused = watch(page)
        page.set_default_timeout(LONG)
        expect.set_options(timeout=LONG)
        visit(page, live_site + "/console/")
        page.locator("#id_username").fill(staff.email)
        page.locator("#id_password").fill(STAFF_PASSWORD)
        page.locator("[data-testid=console-login] button[type=submit]").click()
        expect(page.locator("[data-testid=console-user]")).to_have_text(staff.email)
        for link in page.locator("[data-testid=console-nav] a").evaluate_all("els => els.map(e => e.href)"):
            assert urlsplit(link).path.startswith("/console/")
            visit(page, link)

        # Deactivating a colleague asks first: "Cancel" changes nothing, "OK" deactivates.
        visit(page, live_site + "/console/staff/")
        row = page.locator(f"[data-testid=staff-row][data-email='{other.email}']")
        questions: list[str] = []

        def answer(dialog, accept: bool) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        posts: list[str] = []
        page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
        page.once("dialog", lambda d: answer(d, False))
        row.locator("[data-action=deactivate]").click()
        assert questions == [f"Deactivate {other.email}? They are signed out and cannot sign in until reactivated."]
        page.wait_for_timeout(1000)  # a submit that went ahead would have started by now
        assert posts == []
        expect(row.locator("[data-action=deactivate]")).to_be_visible()
        other.refresh_from_db()
        assert other.is_active

        page.once("dialog", lambda d: answer(d, True))
        row.locator("[data-action=deactivate]").click()
        expect(row.locator("[data-action=reactivate]")).to_be_visible()
        other.refresh_from_db()
        assert not other.is_active and len(questions) == 2

        assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)
    finally:
        # (the rows alone go, as in test_console: the staff's console sign-ins are in the public
        # login log)
        from saas_core.accounts.models import LoginAttempt

        LoginAttempt.objects.filter(user_id__in=[staff.pk, other.pk])._raw_delete(LoginAttempt.objects.db)
        User.all_objects.filter(pk__in=[staff.pk, other.pk])._raw_delete(User.objects.db)
