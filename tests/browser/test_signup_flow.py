"""End to end in a real browser: a company signs up, its Boss adds a user and reads the login log.

Debian's Chromium, driven by Playwright, talks to the product under uvicorn on the test database
(``live_site``); workspaces created here are dropped afterwards.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import require_browser_stack
from tests.conftest import PASSWORD

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import open_menu, sign_out, switch_language  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

# Django's own translations (shipped compiled with Django), so they change with the language
# whatever state the product's own zh-Hans catalogue is in.
SIMILARITY_HELP_ZH = "你的密码不能与你的其他个人信息太相似"
SIMILARITY_HELP_EN = "Your password can’t be too similar to your other personal information."


def translated(text: str, language: str) -> str:
    """``text`` as the product's catalogue has it in ``language`` (itself while not compiled)."""
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(text)


def unique_subdomain() -> str:
    """Lower-case letters only, e.g. ``pwkdoahmcbenfgi``."""
    return "pw" + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:13])


def host_url(live_site: str, host: str, path: str = "") -> str:
    return f"http://{host}:{urlsplit(live_site).port}{path}"


def submit(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").click()


def sign_in(page: Page, username: str, password: str) -> None:
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    submit(page)


def test_company_signs_up_adds_a_user_and_reads_the_login_log(page: Page, live_site, screenshots):
    sub = unique_subdomain()
    company = f"Browser Test {sub} Ltd"
    boss_email, boss_name, boss_password = f"boss@{sub}.example.com", "Wang Fang", "Signup-Strong-93!"
    workspace = f"http://{sub}.localhost:{urlsplit(live_site).port}"

    # The public site, then signup.
    page.goto(live_site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("a[href='/signup/']").click()
    expect(page).to_have_url(live_site + "/signup/")
    form = page.locator("#signup-form")
    form.locator("#id_company_name").fill(company)
    form.locator("#id_admin_name").fill(boss_name)
    form.locator("#id_email").fill(boss_email)

    # A reserved address is refused, and the error names the rule (live check and on submit).
    form.locator("#id_subdomain").fill("admin")
    expect(page.locator("#subdomain-check")).to_contain_text("reserved")
    form.locator("#id_password").fill(boss_password)
    form.locator("button[type=submit]").click()
    error = page.locator("[data-error-for=subdomain]")
    expect(error).to_have_text("“admin” is reserved for the service itself; please choose another address.")
    expect(page).to_have_url(live_site + "/signup/")
    page.screenshot(path=str(screenshots / "signup.png"), full_page=True)

    # A free address: the new workspace opens with the Boss signed in.
    form.locator("#id_subdomain").fill(sub)
    expect(page.locator("#subdomain-value")).to_have_text(sub)
    expect(page.locator("#subdomain-check")).to_have_text("✓")
    form.locator("#id_password").fill(boss_password)  # a password field is never re-filled by the server
    form.locator("button[type=submit]").click()
    page.wait_for_url(workspace + "/workbench/")  # the schema is cloned meanwhile
    expect(page.locator("[data-testid=company-name]")).to_have_text(company)
    expect(page.locator("[data-testid=current-user]")).to_contain_text(boss_name)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.screenshot(path=str(screenshots / "workbench.png"), full_page=True)

    # Language switch: to 中文 and back. Visible text that surely differs is Django's own password
    # help on the new-user form; the headings follow the product's catalogue (as compiled).
    switch_language(page, "zh-hans")
    expect(page).to_have_url(workspace + "/workbench/")
    expect(page.locator("main h1")).to_have_text(translated("Workbench", "zh-hans"))
    open_menu(page, "users")
    expect(page).to_have_url(workspace + "/accounts/users/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.locator("[data-testid=new-user]").click()
    expect(page).to_have_url(workspace + "/accounts/users/new/")
    expect(page.locator("main")).to_contain_text(SIMILARITY_HELP_ZH)
    expect(page.locator("main")).not_to_contain_text(SIMILARITY_HELP_EN)
    switch_language(page, "en")
    expect(page).to_have_url(workspace + "/accounts/users/new/")
    expect(page.locator("main h1")).to_have_text("New user")
    expect(page.locator("main")).to_contain_text(SIMILARITY_HELP_EN)
    expect(page.locator("main")).not_to_contain_text(SIMILARITY_HELP_ZH)

    # Account → Users → New user: a Sales user.
    username, full_name, user_password = "zhang.wei", "Zhang Wei", "Quiet-River-482"
    page.locator("#id_username").fill(username)
    page.locator("#id_name").fill(full_name)
    page.locator("#id_role").select_option("sales")
    page.locator("#id_password").fill(user_password)
    submit(page)
    expect(page).to_have_url(workspace + "/accounts/users/")
    row = page.locator(f"[data-testid=user-table] tr[data-username='{username}']")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(full_name)
    expect(row).to_contain_text("Sales")

    # Sign out, then a wrong password for the new user is refused.
    sign_out(page)
    expect(page).to_have_url(workspace + "/accounts/login/")
    expect(page.locator("main h1")).to_have_text(company)
    sign_in(page, username, "Not-The-Password-1")
    expect(page.locator("[data-testid=form-error]")).to_have_text("The user name or password is wrong.")
    expect(page).to_have_url(workspace + "/accounts/login/")

    # The Boss signs in with the signup e-mail and password.
    sign_in(page, boss_email, boss_password)
    expect(page).to_have_url(workspace + "/workbench/")
    expect(page.locator("[data-testid=current-user]")).to_contain_text(boss_name)

    # The login log shows the refused attempt and the Boss's sign-in (newest first); cells are
    # matched by content, not by column, so that added columns do not break this.
    open_menu(page, "login_log")
    expect(page).to_have_url(workspace + "/accounts/login-log/")
    rows = page.locator("[data-testid=login-log] tbody tr")
    latest, before = rows.nth(0), rows.nth(1)
    expect(latest).to_have_attribute("data-result", "ok")
    for text in (boss_name, "Boss", "Success", "Signed in"):
        expect(latest.locator("td", has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))).to_have_count(1)
    expect(before).to_have_attribute("data-result", "fail")
    for text in (full_name, "Sales", "Failure", "Wrong password"):
        expect(before.locator("td", has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))).to_have_count(1)
    expect(page.locator("[data-testid=login-log] tbody tr[data-result=fail]")).to_have_count(1)
    page.screenshot(path=str(screenshots / "login_log.png"), full_page=True)


def test_session_of_workspace_a_does_not_open_workspace_b(page: Page, live_site, tenant_a, tenant_b, restore_tenant):
    restore_tenant(tenant_a)
    restore_tenant(tenant_b)
    a_url, b_url = host_url(live_site, tenant_a.host), host_url(live_site, tenant_b.host)

    page.goto(a_url + "/accounts/login/")
    sign_in(page, tenant_a.boss_username, PASSWORD)
    expect(page).to_have_url(a_url + "/workbench/")
    expect(page.locator("[data-testid=company-name]")).to_have_text(tenant_a.name)

    # As a user would: type B's address. The browser keeps A's cookie to A's host ...
    page.goto(b_url + "/workbench/")
    expect(page).to_have_url(re.compile(re.escape(b_url + "/accounts/login/")))
    expect(page.locator("main h1")).to_have_text(tenant_b.name)
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator("[data-testid=company-name]")).to_have_count(0)

    # ... and even A's session cookie presented to B's host is not a session there.
    context = page.context
    session = next(c for c in context.cookies(a_url) if c["name"] == "sessionid")
    context.add_cookies([{"name": "sessionid", "value": session["value"], "url": b_url}])
    page.goto(b_url + "/workbench/")
    expect(page).to_have_url(re.compile(re.escape(b_url + "/accounts/login/")))
    expect(page.locator("main h1")).to_have_text(tenant_b.name)
    expect(page.locator("[data-testid=company-name]")).to_have_count(0)

    # A is still signed in on its own host.
    page.goto(a_url + "/workbench/")
    expect(page.locator("[data-testid=company-name]")).to_have_text(tenant_a.name)
