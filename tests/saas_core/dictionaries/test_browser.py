"""In a real browser: the Boss edits a dictionary (add, rename inline, drag to reorder, disable, delete).

Runs against the live server (committed data in workspace A); the list it edits is put back
exactly as provisioned afterwards.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import require_browser_stack
from tests.conftest import PASSWORD

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser import conftest as _browser  # noqa: E402
from tests.browser.helpers import open_menu  # noqa: E402

# The browser fixtures live in tests/browser/conftest.py; this module uses them from here.
_playwright, browser, page, _close_db_connections = _browser._playwright, _browser.browser, _browser.page, _browser._close_db_connections
live_site, restore_tenant, screenshots = _browser.live_site, _browser.restore_tenant, _browser.screenshots

pytestmark = [pytest.mark.browser, pytest.mark.live]

TYPE_KEY = "hot_reason"
FIELDS = ("key", "label_zh", "label_en", "order", "is_active", "extra")


@pytest.fixture
def restore_hot_reasons(live_site, tenant_a):
    """Put the edited list back as it was (values, labels, order, state) and drop the cache."""
    from django_tenants.utils import schema_context

    from saas_core.dictionaries import services
    from saas_core.dictionaries.models import DictionaryItem

    with schema_context(tenant_a.schema):
        before = {row["id"]: row for row in DictionaryItem.objects.filter(type__key=TYPE_KEY).values("id", *FIELDS)}
    yield
    with schema_context(tenant_a.schema):
        DictionaryItem.objects.filter(type__key=TYPE_KEY).exclude(pk__in=before).delete()
        for pk, row in before.items():
            DictionaryItem.objects.filter(pk=pk).update(**{f: row[f] for f in FIELDS})
        services.invalidate_now()


def rows(tab: Page):
    return tab.locator("[data-testid=item-table] tbody tr[data-item-key]")


def test_boss_edits_a_dictionary_in_the_browser(page: Page, live_site, tenant_a, restore_tenant, restore_hot_reasons, screenshots):
    restore_tenant(tenant_a)
    base = f"http://{tenant_a.host}:{urlsplit(live_site).port}"
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(tenant_a.boss_username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(base + "/workbench/")

    open_menu(page, "dictionaries")
    expect(page).to_have_url(base + "/dictionaries/")
    page.locator("[data-testid=dictionary-search]").fill("热点")
    page.locator("[data-testid=dictionary-search]").press("Enter")
    page.locator(f"tr[data-type-key={TYPE_KEY}] a").click()
    expect(page).to_have_url(base + f"/dictionaries/{TYPE_KEY}/")
    expect(rows(page)).to_have_count(7)

    # Add a value in both languages.
    form = page.locator("[data-testid=add-form]")
    form.locator("#id_label_zh").fill("老板亲自跟进")
    form.locator("#id_label_en").fill("Boss follows up")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("“Boss follows up” has been added to Hot reason.")
    expect(rows(page)).to_have_count(8)
    added = page.locator("tr[data-item-key=boss_follows_up]")
    expect(rows(page).last).to_have_attribute("data-item-key", "boss_follows_up")

    # Rename it inline.
    added.locator("summary").click()
    added.locator("input[name=label_zh]").fill("总经理跟进")
    added.locator("input[name=label_en]").fill("General manager follows up")
    added.locator("[data-testid=rename-form] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("has been renamed")
    expect(added.locator("td[data-label=zh]")).to_have_text("总经理跟进")
    expect(added.locator("td[data-label=en]")).to_have_text("General manager follows up")

    # Drag it to the top by its handle; the order is saved without a page load.
    page.drag_and_drop("tr[data-item-key=boss_follows_up] .drag-handle", "tr[data-item-key=about_to_sign] .drag-handle",
                       target_position={"x": 5, "y": 2})
    expect(page.locator("#reorder-status")).to_have_text("The new order has been saved.")
    page.reload()
    expect(rows(page).first).to_have_attribute("data-item-key", "boss_follows_up")
    expect(rows(page).first.locator(".position")).to_have_text("1")

    # Disable it, then delete it (nothing uses it).
    added.locator("[data-action=toggle]").click()
    expect(page.locator(".alert-success")).to_contain_text("has been disabled")
    expect(added).to_have_class(re.compile(r"\btext-muted\b"))
    page.screenshot(path=str(screenshots / "dictionary_edit.png"), full_page=True)
    added.locator("[data-action=delete]").click()
    expect(page.locator("main")).to_contain_text("No record uses it")
    page.locator("[data-testid=confirm-delete]").click()
    expect(page.locator(".alert-success")).to_contain_text("“General manager follows up” has been deleted.")
    expect(rows(page)).to_have_count(7)
