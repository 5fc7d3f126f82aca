"""The SMS module in Chromium: the vendor switches it on in the console, the Boss configures the
development provider and sends a test SMS, a group send of a long message shows its parts and
cost and is delivered by a real Celery worker; switched off, the module disappears.

The workspace's web server and the worker run on a private Celery queue (like the worker tests),
so the texts the pages queue are delivered by this test's own worker.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import require_browser_stack
from tests.browser.helpers import open_menu, sign_up
from tests.conftest import PASSWORD, free_port
from tests.plugins.sms.test_worker import start_sms_worker
from tests.workers import forget_keys, routing, stop_process, wait_for_port, worker_env

require_browser_stack()
pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def sms_site(django_db_setup, tmp_path_factory):
    """uvicorn and a Celery worker sharing one private queue; yields the public site's URL."""
    queue, keyprefix = routing("smsweb")
    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "saas_core.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        env=worker_env(queue, keyprefix),
    )
    worker = start_sms_worker(tmp_path_factory.mktemp("sms-site"), queue, keyprefix)
    try:
        wait_for_port(port, web, "the web server")
        yield f"http://localhost:{port}"
    finally:
        stop_process(web)
        worker.stop()
        forget_keys(keyprefix)


@pytest.fixture
def vendor(live_db):
    from saas_core.accounts.models import User
    from tenants.console.staff import create_vendor_staff

    email = f"ops-{uuid.uuid4().hex[:6]}@vendor.example.com"
    user, _ = create_vendor_staff(email=email, password=PASSWORD, name="Vendor Ops")
    yield user
    # Not deleted: a public user's delete cascades into tenant-only tables. Unusable instead.
    User.objects.filter(pk=user.pk).update(is_active=False, is_staff=False)


def switch(console, site: str, company: str, state: str) -> None:
    console.goto(site + "/console/")
    console.get_by_role("link", name=company).click()
    console.locator(f"tr[data-module=sms] [data-action=switch-{state}]").click()
    expect(console.locator("tr[data-module=sms] [data-testid=module-state]")).to_have_text(
        "On" if state == "on" else "Off")


def test_vendor_switches_sms_on_boss_tests_and_group_sends_then_it_disappears(
    sms_site, _close_db_connections, vendor, page, desks, screenshots,
):
    from django_tenants.utils import schema_context

    from saas_core.accounts.models import User
    from saas_core.customers.services import create_customer
    from tenants.models import Tenant

    base = sign_up(page, sms_site, "Boss Zhang", company="SMS")
    sub = urlsplit(base).hostname.split(".")[0]
    tenant = Tenant.objects.get(schema_name=f"t_{sub}")
    company = tenant.name
    with schema_context(tenant.schema_name):
        boss = User.objects.get(username=f"boss@{sub}.example.com")
        for i in range(3):
            create_customer(by=boss, name=f"杭州客户{i}", city="杭州", confirm_duplicates=True,
                            contact={"name": f"联系人{i}", "mobile": f"1350000000{i}"})

    # 1. Off by default: no SMS menu, no page.
    assert page.locator("[data-menu=sms_send]").count() == 0
    assert page.goto(base + "/sms/").status == 404

    # 2. The vendor switches it on in the console.
    [console] = desks(1)
    console.goto(sms_site + "/console/login/")
    console.locator("#id_username").fill(vendor.username)
    console.locator("#id_password").fill(PASSWORD)
    console.locator("[data-testid=console-login] button[type=submit]").click()
    switch(console, sms_site, company, "on")

    # 3. The Boss sees it at once, sets the development provider and his own mobile.
    page.goto(base + "/workbench/")
    open_menu(page, "sms_settings")
    page.locator("#id_gw-provider").select_option("development")
    page.locator("#id_gw-signature").fill("张记")
    page.locator("#id_gw-price").fill("0.05")
    page.locator("#id_gw-monthly_quota").fill("500")
    page.locator("[data-testid=sms-settings-save]").click()
    expect(page.locator(".alert-success")).to_contain_text("SMS settings have been saved")
    page.goto(base + "/accounts/settings/")
    page.locator("#id_mobile").fill("13900000000")
    page.locator("main form button[type=submit]").click()

    # 4. A group send of a long message: its parts and cost before anything is sent.
    page.goto(base + "/workbench/")
    open_menu(page, "sms_group")
    page.locator("#id_kind").select_option("customers")
    page.locator("#id_city").fill("杭州")
    long_text = "{contact}您好，" + "我们的新品已经到店，欢迎您周末来店里看看，" * 4
    page.locator("#id_body").fill(long_text)
    page.locator("[data-testid=sms-group-preview]").click()
    expect(page.locator("[data-testid=sms-part]")).to_have_count(2)
    expect(page.locator("[data-testid=sms-parts-summary]")).to_contain_text("2 parts of up to 67")
    expect(page.locator("[data-testid=sms-recipients]")).to_have_text("3")
    expect(page.locator("[data-testid=sms-total-parts]")).to_have_text("6")
    expect(page.locator("[data-testid=sms-total-cost]")).to_have_text("0.30 CNY")
    expect(page.locator("[data-testid=sms-part]").first).to_contain_text("【张记】联系人0您好")
    expect(page.locator("[data-testid=sms-warning]")).to_contain_text("test to your own phone")
    page.screenshot(path=str(screenshots / "sms-group-preview.png"), full_page=True)

    # 5. The test to the Boss's own phone, then the send (confirmed).
    page.locator("[data-testid=sms-group-test]").click()
    expect(page.locator(".alert-success")).to_contain_text("test has been sent to your phone 13900000000")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-testid=sms-group-send]").click()
    expect(page.locator("[data-testid=sms-batch]")).to_contain_text("3 recipients, 6 parts")
    rows = page.locator("[data-testid=sms-log-row]")
    expect(rows).to_have_count(3)
    for _ in range(60):  # the worker delivers them (development provider: logged, "sent")
        page.reload()
        if page.locator("[data-testid=sms-log-row][data-status=sent]").count() == 3:
            break
        time.sleep(0.5)
    expect(page.locator("[data-testid=sms-log-row][data-status=sent]")).to_have_count(3)
    page.goto(base + "/sms/log/")
    expect(page.locator("[data-testid=sms-log-row]")).to_have_count(4)  # the test too
    expect(page.locator("[data-testid=sms-log-row]").filter(has_text="13900000000")).to_contain_text("Sent")
    page.screenshot(path=str(screenshots / "sms-log.png"), full_page=True)

    # 6. The click-to-SMS link beside a contact's mobile number.
    page.goto(base + "/customers/contacts/")
    page.locator("[data-phone-action=sms]").first.click()
    expect(page.locator("#id_number")).to_have_value(re.compile(r"^1350000000\d$"))

    # 7. Switched off, it is gone: menu, pages, the phone link.
    switch(console, sms_site, company, "off")
    page.goto(base + "/workbench/")
    expect(page.locator("[data-testid=current-user]")).to_contain_text("Boss Zhang")
    assert page.locator("[data-menu^=sms_]").count() == 0
    assert page.goto(base + "/sms/log/").status == 404
    page.goto(base + "/customers/contacts/")
    assert page.locator("[data-phone-action=sms]").count() == 0
