"""In a real browser: the vendor suspends a company from the console (with a reason, after a
confirmation page), its Boss is refused with the reason, the vendor resumes it, the Boss works again."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import require_browser_stack
from tests.browser.helpers import BOSS_PASSWORD, sign_in, sign_up

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]
STAFF_PASSWORD = "Vendor-Console-2026!"


def test_vendor_suspends_and_resumes_a_company(page: Page, desks, live_site, screenshots):
    from saas_core.accounts.models import LoginAttempt, User
    from tenants.console.staff import create_vendor_staff
    from tenants.models import Tenant, TenantAuditEntry

    staff, _created = create_vendor_staff(email="ops-pw@vendor.example.com", password=STAFF_PASSWORD, name="Ops")
    try:
        base = sign_up(page, live_site, "Boss Hold", company="Hold")
        tenant = Tenant.objects.get(domains__domain=urlsplit(base).hostname)
        boss_email = f"boss@{urlsplit(base).hostname.split('.')[0]}.example.com"

        (vendor,) = desks(1)
        vendor.goto(live_site + "/console/")
        vendor.locator("#id_username").fill(staff.email)
        vendor.locator("#id_password").fill(STAFF_PASSWORD)
        vendor.locator("[data-testid=console-login] button[type=submit]").click()
        vendor.get_by_placeholder("Name or workspace address").fill(tenant.schema_name)
        vendor.get_by_role("button", name="Search").click()
        row = vendor.locator(f"[data-tenant={tenant.schema_name}]")
        expect(row.locator("[data-testid=tenant-activity]")).not_to_have_text("—")  # the Boss signed in
        row.get_by_role("link", name=tenant.name).click()

        # --- suspend: a confirmation page that needs a reason ----------------------------------
        vendor.locator("[data-action=suspend]").click()
        expect(vendor.locator("h1")).to_contain_text(f"Suspend {tenant.name}?")
        vendor.locator("[data-action=confirm]").click()
        expect(vendor.locator("[data-error-for=reason]")).to_be_visible()
        vendor.locator("#id_reason").fill("Unpaid invoice dispute")
        vendor.locator("[data-action=confirm]").click()
        expect(vendor.locator("[data-testid=suspended-note]")).to_contain_text("Unpaid invoice dispute")
        expect(vendor.locator("[data-testid=audit]")).to_contain_text("Suspended")

        page.goto(base + "/customers/")
        expect(page.locator("[data-testid=refusal-heading]")).to_have_text("This workspace is suspended")
        expect(page.locator("[data-testid=refusal-message]")).to_contain_text("contact the service provider")
        page.screenshot(path=str(screenshots / "console-suspended-workspace.png"))
        (visitor,) = desks(1)
        visitor.goto(base + "/accounts/login/")
        expect(visitor.locator("[data-testid=refusal-heading]")).to_have_text("This workspace is suspended")

        # --- resume: back to the state it had, the Boss works again ----------------------------
        vendor.locator("[data-action=resume]").click()
        vendor.locator("#id_reason").fill("Settled")
        vendor.locator("[data-action=confirm]").click()
        expect(vendor.locator("[data-action=suspend]")).to_be_visible()
        expect(vendor.locator("[data-testid=company-status]")).to_have_text("Trial")
        page.goto(base + "/customers/")
        expect(page.locator("[data-testid=refusal-heading]")).to_have_count(0)
        sign_in(visitor, base, boss_email, "Boss Hold", BOSS_PASSWORD)
        assert list(TenantAuditEntry.objects.filter(tenant=tenant).values_list("action", "by")) == [
            ("resumed", staff.email), ("suspended", staff.email)]
    finally:
        # (a cascading delete would look for tenant tables in public: the rows alone go; the
        # console's sign-in is in the public login log)
        LoginAttempt.objects.filter(user_id=staff.pk)._raw_delete(LoginAttempt.objects.db)
        User.all_objects.filter(pk=staff.pk)._raw_delete(User.objects.db)
