"""Browser fixtures: Debian's Chromium driven by Playwright (sync API).

Chromium comes from the system (/usr/bin/chromium); ``playwright install`` is never run. When it
or the playwright package is missing, the browser tests skip locally but fail on CI (CI=true),
where a skip would hide a broken install.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Every navigation, click, wait and ``expect`` waits this long (set once below, on each context
# and on ``expect``; no test sets a shorter one): CI machines are shared and were seen at load
# average 30, where a 10 s click during signup timed out. A passing step returns at once.
TIMEOUT_MS = 30_000


def require_browser_stack() -> None:
    """At import of a browser test module: skip it locally, fail on CI, if the stack is missing."""
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the playwright Python package is not installed"
    else:
        if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
            reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture
def _close_db_connections():
    """Close this process's database connections after the test's own database work.

    While Playwright's loop is marked running, Django hands out other connection objects than
    outside it (its connection registry is asgiref-context local), so the session's teardown
    would not close them and the test database could not be dropped at the end of the run
    ("being accessed by other users").
    """
    yield
    from django.db import connections

    connections.close_all()


@pytest.fixture
def live_site(live_server_url, _close_db_connections, live_db) -> str:
    """The product under uvicorn on the test database (the public site's URL), with committed
    database access for the test; workspaces created during the test are dropped afterwards."""
    return live_server_url


@pytest.fixture(scope="module")
def _playwright(live_server_url):
    """Playwright's sync API, for one test module only.

    It keeps an asyncio loop marked running in the main thread, so Django refuses database
    calls (SynchronousOnlyOperation) while it is alive. The database and the live server are
    set up before it starts; the tests' own database calls (``live_db``, ``restore_tenant``: in
    the main thread, while the loop is idle) are allowed for its lifetime only, and it stops
    with the module so that later tests in the same process run normally.
    """
    from playwright.sync_api import sync_playwright

    require_browser_stack()
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            yield p
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(_playwright):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def new_tab(browser, server_errors: list[str]):
    """A fresh browser profile (no cookies) speaking English; its 5xx answers land in ``server_errors``."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on(
        "response",
        lambda r: server_errors.append(f"{r.status} {r.request.method} {r.url}") if r.status >= 500 else None,
    )
    return tab


def _fail_on(server_errors: list[str]) -> None:
    if server_errors:
        pytest.fail("the server answered with errors: " + "; ".join(server_errors), pytrace=False)


def _site_outlives_tabs(request) -> None:
    """Set up the test's ``live_site`` before its tabs, so the tabs close before it tears down.

    pytest tears fixtures down in reverse order; with ``page`` listed before ``live_site`` the
    test's workspaces were dropped while the page still had a request in flight (a
    duplicate-name check deadlocked with DROP SCHEMA and answered 503 on CI).
    """
    if "live_site" in request.fixturenames:
        request.getfixturevalue("live_site")


@pytest.fixture
def page(browser, request):
    """A fresh browser profile (no cookies) speaking English, as a first-time visitor would.

    Server errors (HTTP 5xx) seen by the page fail the test at teardown, naming the URLs, so a
    500 behind a timed-out wait is reported as what it is.
    """
    _site_outlives_tabs(request)
    server_errors: list[str] = []
    page = new_tab(browser, server_errors)
    yield page
    page.context.close()
    _fail_on(server_errors)


@pytest.fixture
def desks(browser, request):
    """``desks(n)``: n more independent browser profiles (other people at other desks), each like
    ``page``; their server errors (HTTP 5xx) fail the test too."""
    _site_outlives_tabs(request)
    server_errors: list[str] = []
    tabs: list = []

    def make(count: int) -> list:
        more = [new_tab(browser, server_errors) for _ in range(count)]
        tabs.extend(more)
        return more

    yield make
    for tab in tabs:
        tab.context.close()
    _fail_on(server_errors)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """test-artifacts/screenshots/ (git-ignored), where the browser tests leave their pictures."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def restore_tenant(live_site):
    """Undo what signing in through the live server commits in a shared workspace (A or B).

    Call it with a TenantInfo before the browser touches that workspace. The login log, the
    sessions and the users' last sign-in, language and lock are committed by the live server;
    other tests (e.g. the exact login log of workspace A) expect the workspaces as provisioned.
    """
    from django.db import connection
    from django_tenants.utils import schema_context

    from saas_core.accounts.models import LoginAttempt, User

    saved = []

    def session_keys() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT session_key FROM django_session")
            return {row[0] for row in cursor.fetchall()}

    def remember(info) -> None:
        with schema_context(info.schema):
            last = LoginAttempt.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            users = list(User.all_objects.values_list("pk", "last_login", "language"))
            saved.append((info, last, users, session_keys()))

    yield remember
    for info, last, users, sessions in saved:
        with schema_context(info.schema):
            LoginAttempt.objects.filter(pk__gt=last).delete()
            for pk, last_login, language in users:
                User.all_objects.filter(pk=pk).update(last_login=last_login, language=language)
            new = list(session_keys() - sessions)
            if new:
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM django_session WHERE session_key = ANY(%s)", [new])
