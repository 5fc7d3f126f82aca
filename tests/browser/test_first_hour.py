"""A new company's first hour (issue 14), in zh-Hans, through the real UI with no address typed
after the public site's start page: signup → first customer → follow-up → task (the assignee by
the people picker) → daily report → invite a colleague, whose invitation arrives on a real SMTP
server (aiosmtpd); the colleague chooses a password on a phone and signs in.

The Boss works at 1440 px, the colleague at 390 px. Every page is photographed (test-artifacts/
screenshots/first_hour_*), must not scroll sideways and must show no English in the Chinese UI.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import TIMEOUT_MS, require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import english_texts, horizontal_overflow, pick  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

BOSS = "王磊"
COLLEAGUE = "李娜"
CUSTOMER = "杭州云帆网络科技有限公司"
PASSWORD = "Yunfan-Harbor-2026"
COLLEAGUE_PASSWORD = "Lantern-River-58"
# Brands, formats, the other language's name, and the signup's example address (acme.localhost).
ALLOWED = {"CRM", "Ltd", "English", "SMS", "Excel", "VIP", "QQ", "WeChat", "acme", "localhost"}


def zh_tab(browser, width: int, height: int, errors: list[str]) -> Page:
    """A browser speaking Chinese (as a Chinese visitor's would) at this size."""
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return tab


class Walk:
    """Photographs each page and collects what would trip a new user (sideways scroll, English)."""

    def __init__(self, screenshots, allowed: set[str]):
        self.screenshots, self.allowed, self.problems, self.step = screenshots, allowed, [], 0

    def look(self, page: Page, name: str) -> None:
        self.step += 1
        expect(page.locator("main")).to_be_visible()
        width = page.viewport_size["width"]
        page.screenshot(path=str(self.screenshots / f"first_hour_{self.step:02d}_{name}_{width}.png"), full_page=True)
        if (extra := horizontal_overflow(page)) > 0:
            self.problems.append(f"{name} at {width} px scrolls sideways by {extra} px")
        self.problems.extend(f"{name} at {width} px: English {text!r}" for text in english_texts(page, self.allowed))


def expect_mail(mailbox: list, to: str) -> None:
    """Wait (up to the browser tests' timeout) for a message to ``to`` on the SMTP server."""
    import time

    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not any(m["To"] == to for m in mailbox):
        assert time.monotonic() < deadline, f"no e-mail to {to} arrived"
        time.sleep(0.2)


def test_a_new_company_s_first_hour_needs_no_documentation(browser, live_site, mailbox, screenshots):
    errors: list[str] = []
    sub = "fh" + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:12])
    walk = Walk(screenshots, ALLOWED | {sub})
    boss = zh_tab(browser, 1440, 900, errors)

    # The public site: the only address typed.
    boss.goto(live_site + "/")
    walk.look(boss, "public_home")
    boss.get_by_role("link", name="开始免费试用").first.click()
    walk.look(boss, "signup")
    boss.get_by_label("公司名称").fill("杭州云帆贸易有限公司")
    boss.get_by_label("您的姓名").fill(BOSS)
    boss.get_by_label("电子邮箱").fill(f"boss@{sub}.example.com")
    boss.get_by_label("工作区地址").fill(sub)
    # The address it will have shows right under the field, checked as typed.
    preview = boss.locator("#subdomain-preview")
    expect(preview).to_contain_text(f"{sub}.localhost")
    expect(boss.locator("#subdomain-check")).to_have_text("✓")
    field, shown = boss.locator("#id_subdomain").bounding_box(), preview.bounding_box()
    assert 0 < shown["y"] - field["y"] < 90, "the address preview is not under its field"
    boss.get_by_label("密码").fill(PASSWORD)
    walk.look(boss, "signup_filled")
    boss.get_by_role("button", name="创建我的工作区").click()
    workspace = f"http://{sub}.localhost:{urlsplit(live_site).port}"
    boss.wait_for_url(workspace + "/workbench/")
    walk.look(boss, "workbench")

    # The workbench's first steps lead the way.
    steps = boss.locator("[data-testid=first-steps]")
    expect(steps.locator("[data-testid=first-step][data-done='0']")).to_have_count(5)
    steps.locator("[data-step=customer] a").click()
    walk.look(boss, "customer_form")
    boss.locator("#id_name").fill(CUSTOMER)
    boss.locator("#id_contact_name").fill("周杰")
    boss.locator("#id_contact_mobile").fill("139 0571 2345")
    boss.locator("[data-testid=save]").click()
    expect(boss.locator("[data-testid=customer-title]")).to_have_text(CUSTOMER)
    walk.look(boss, "customer_360")

    # A follow-up, from the customer's page.
    boss.locator("[data-testid=action-followup]").click()
    walk.look(boss, "followup_form")
    boss.locator("#id_subject").fill("电话沟通报价")
    boss.locator("#id_content").fill("客户希望下周上门演示。")
    boss.locator("[data-testid=save-followup]").click()
    expect(boss.locator("[data-testid=customer-title]")).to_have_text(CUSTOMER)
    expect(boss.locator("main")).to_contain_text("电话沟通报价")
    walk.look(boss, "customer_360_followups")

    # A task on the customer, the assignee found by the pinyin initials of the Boss's name.
    boss.locator("[data-testid=action-task]").click()
    walk.look(boss, "task_form")
    boss.locator("#id_title").fill("准备演示材料")
    pick(boss, "id_assignees", "wl", BOSS)
    expect(boss.locator("#id_assignees ~ .picker [data-chip]")).to_have_count(1)
    boss.locator("[data-testid=save-task]").click()
    expect(boss).to_have_url(re.compile(re.escape(workspace) + r"/activities/tasks/\d+/$"))
    expect(boss.locator("main")).to_contain_text("准备演示材料")
    walk.look(boss, "task_detail")

    # Back to the workbench (the sidebar): three steps ticked; the daily report next.
    boss.locator("#sidebar [data-menu=workbench]").click()
    done = steps.locator("[data-testid=first-step][data-done='1']")
    expect(done).to_have_count(3)
    steps.locator("[data-step=report] a").click()
    walk.look(boss, "report_form")
    boss.locator("#id_summary").fill("新增客户云帆网络，电话沟通了报价。")
    boss.locator("#id_plan").fill("准备演示材料。")
    boss.locator("[data-testid=submit-report]").click()
    expect(boss.locator("[data-testid=report-status]")).to_be_visible()
    walk.look(boss, "report_submitted")

    # Invite a colleague.
    boss.locator("#sidebar [data-menu=workbench]").click()
    expect(done).to_have_count(4)
    steps.locator("[data-step=colleague] a").click()
    walk.look(boss, "invite_form")
    boss.locator("#id_name").fill(COLLEAGUE)
    boss.locator("#id_email").fill(f"lina@{sub}.example.com")
    boss.locator("#id_role").select_option("sales")
    boss.locator("[data-testid=send-invitation]").click()
    expect(boss.locator("[data-testid=user-table]")).to_contain_text(COLLEAGUE)
    expect(boss.locator("[data-testid=invited]")).to_have_count(1)
    walk.look(boss, "users_invited")

    # The invitation arrives; the colleague opens its link on a phone, chooses a password, signs in.
    expect_mail(mailbox, f"lina@{sub}.example.com")
    invitation = [m for m in mailbox if m["To"] == f"lina@{sub}.example.com"][-1]
    link = re.search(r"https?://\S+", invitation.get_body().get_content()).group(0)
    assert link.startswith(workspace + "/accounts/invite/")
    phone = zh_tab(browser, 390, 844, errors)
    phone.goto(link)
    walk.look(phone, "invite_accept")
    expect(phone.locator("main")).to_contain_text("杭州云帆贸易有限公司")
    phone.locator("#id_new_password1").fill(COLLEAGUE_PASSWORD)
    phone.locator("#id_new_password2").fill(COLLEAGUE_PASSWORD)
    phone.locator("[data-testid=accept-invitation]").click()
    expect(phone).to_have_url(workspace + "/accounts/login/")
    walk.look(phone, "colleague_login")
    phone.locator("#id_username").fill(f"lina@{sub}.example.com")
    phone.locator("#id_password").fill(COLLEAGUE_PASSWORD)
    phone.locator("main form[method=post] button[type=submit]").click()
    expect(phone).to_have_url(workspace + "/workbench/")
    expect(phone.locator("[data-testid=current-user]")).to_contain_text(COLLEAGUE)
    walk.look(phone, "colleague_workbench")

    # The Boss's first steps are all done: the card has gone.
    boss.locator("#sidebar [data-menu=workbench]").click()
    expect(boss.locator("[data-testid=first-steps]")).to_have_count(0)
    for tab in (boss, phone):
        tab.context.close()

    assert not walk.problems, "\n".join(walk.problems)
    assert not errors, errors
