"""In a real browser, as the Boss of a freshly signed-up workspace: on a customer's 360° view,
upload a file with a Chinese name, see it listed with its size and uploader, download it under
its own name, then delete it after the confirmation page.

The company signs up through the public page (the shared workspaces A and B are not touched);
``live_site`` drops the workspace afterwards and the test removes its files.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import open_menu, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

CONTENT = "报价：每台 ¥12,800，含税。\n".encode()
NAME = "2026年报价单.txt"


def test_upload_list_download_and_delete_on_the_360_view(page: Page, live_site, screenshots, tmp_path):
    from django.conf import settings

    from tenants.models import Tenant

    boss = "Wang Lei"
    base = sign_up(page, live_site, boss, company="Attachment Test")
    schema = Tenant.objects.get(domains__domain=re.sub(r"^https?://([^:/]+).*$", r"\1", base)).schema_name
    try:
        open_menu(page, "customer_new")
        page.locator("#id_name").fill("杭州明远贸易有限公司")
        page.locator("main form[method=post] button[type=submit]").first.click()
        expect(page).to_have_url(re.compile(re.escape(base + "/customers/") + r"\d+/$"))

        page.locator("[data-tab=attachments]").click()  # the panel is fetched when its tab opens
        panel = page.locator("[data-panel=attachments]")
        expect(panel).to_have_attribute("data-loaded", "1")
        expect(panel.locator("[data-testid=attachment-row]")).to_have_count(0)
        form = panel.locator("[data-testid=attachment-upload]")
        form.locator("input[type=file]").set_input_files(files=[{"name": NAME, "mimeType": "text/plain", "buffer": CONTENT}])
        form.locator("input[name=description]").fill("第一版")
        form.locator("[data-testid=attachment-submit]").click()

        rows = page.locator("[data-panel=attachments] [data-testid=attachment-row]")
        expect(rows).to_have_count(1)
        expect(rows.first.locator("[data-testid=attachment-download]")).to_have_text(NAME)
        expect(rows.first).to_contain_text("第一版")
        expect(rows.first).to_contain_text(boss)
        expect(rows.first.locator("[data-size]")).to_have_attribute("data-size", str(len(CONTENT)))
        page.screenshot(path=str(screenshots / "customer_attachments.png"), full_page=True)

        with page.expect_download() as download:
            rows.first.locator("[data-testid=attachment-download]").click()
        assert download.value.suggested_filename == NAME
        saved = tmp_path / "download.txt"
        download.value.save_as(saved)
        assert saved.read_bytes() == CONTENT

        # Its file lives under this company's own directory, not under its name.
        stored = [p for p in (Path(settings.MEDIA_ROOT) / "attachments" / schema).rglob("*") if p.is_file()]
        assert len(stored) == 1 and stored[0].read_bytes() == CONTENT and "报价" not in str(stored[0])

        rows.first.locator("[data-action=delete-attachment]").click()
        expect(page).to_have_url(re.compile(r"/attachments/\d+/delete/$"))
        expect(page.locator("main")).to_contain_text(NAME)
        page.locator("[data-testid=confirm-delete]").click()
        expect(page).to_have_url(re.compile(re.escape(base + "/customers/") + r"\d+/\?tab=attachments#panel-attachments$"))
        expect(page.locator("[data-panel=attachments] [data-testid=attachment-row]")).to_have_count(0)
        open_menu(page, "recycle_bin")
        expect(page.locator("main")).to_contain_text(NAME)
    finally:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / "attachments" / schema, ignore_errors=True)
