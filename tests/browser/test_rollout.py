"""In a real browser: a company whose upgrade failed shows its Boss a read-only banner; the vendor
finds it on the rollout page (counts, error, duration), at desktop width and at 390 px, and
queues a retry."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import require_browser_stack
from tests.browser.helpers import sign_up

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]
STAFF_PASSWORD = "Vendor-Rollout-2026!"
ERROR = "crm_drill.0002_customer_note: RuntimeError: drill failure"


def _fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_vendor_sees_a_failed_upgrade_and_retries_it(page: Page, desks, live_site, screenshots):
    from saas_core.accounts.models import LoginAttempt, User
    from tenants.console.staff import create_vendor_staff
    from tenants.models import CompanyUpgrade, Tenant

    staff, _created = create_vendor_staff(email="ops-rollout@vendor.example.com", password=STAFF_PASSWORD,
                                          name="Ops")
    try:
        base = sign_up(page, live_site, "Boss Upgrade", company="Upgrade")
        tenant = Tenant.objects.get(domains__domain=urlsplit(base).hostname)
        CompanyUpgrade.objects.update_or_create(tenant=tenant, defaults={
            "state": CompanyUpgrade.State.FAILED, "error": ERROR, "attempts": 1, "seconds": 3.2})

        page.goto(base + "/customers/")
        expect(page.locator("[data-testid=billing-banner][data-kind=upgrade]")).to_contain_text(
            "upgrade of it did not finish")
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + "/customers/")
        expect(page.locator("[data-testid=billing-banner][data-kind=upgrade]")).to_be_visible()
        assert _fits(page)

        (vendor,) = desks(1)
        vendor.goto(live_site + "/console/login/")
        vendor.locator("#id_username").fill(staff.email)
        vendor.locator("#id_password").fill(STAFF_PASSWORD)
        vendor.locator("[data-testid=console-login] button[type=submit]").click()
        vendor.goto(live_site + "/console/rollout/")
        expect(vendor.locator("[data-testid=count-failed]")).to_have_text("1")
        vendor.locator("[data-state=failed]").click()
        row = vendor.locator(f"[data-tenant={tenant.schema_name}]")
        expect(row.locator("[data-testid=upgrade-error]")).to_contain_text(ERROR)
        expect(row.locator("[data-testid=upgrade-duration]")).to_have_text("3.2 s")
        vendor.screenshot(path=str(screenshots / "console-rollout-failed.png"), full_page=True)
        vendor.set_viewport_size({"width": 390, "height": 844})
        vendor.reload()
        expect(row.locator("[data-action=migrate-company]")).to_be_visible()
        assert _fits(vendor)
        vendor.screenshot(path=str(screenshots / "console-rollout-390.png"), full_page=True)
        vendor.locator("[data-action=retry-failed]").click()
        expect(vendor.locator(".alert-success")).to_contain_text("1 company is queued for migration")
    finally:
        LoginAttempt.objects.filter(user_id=staff.pk)._raw_delete(LoginAttempt.objects.db)
        User.all_objects.filter(pk=staff.pk)._raw_delete(User.objects.db)
        CompanyUpgrade.objects.all().delete()
