"""In a real browser, as the Boss of a freshly signed-up workspace: import customers from a file
with bad rows (upload → columns → preview → confirm → progress → report), then export them.

The web page queues the job for Celery; here the test runs the worker's part itself (the same
``run_job`` on the committed database) while the page polls, so the progress bar, the counts and
the report link are seen as a user sees them. (tests/saas_core/imports/test_worker.py runs a job
through a real worker.) The message the page queued is taken back off the broker afterwards.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.browser.conftest import require_browser_stack
from tests.browser.test_org_and_records import open_menu, sign_up

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

ROWS = [
    ["上海浦江物流有限公司", "企业", "物流/运输", "021-5888 6666", "info@pujiang.cn", "王芳", "13912345678"],
    ["Pacific Rim Trading Co., Ltd.", "enterprise", "Import and export", "", "", "David Wang", "13800001111"],
    ["", "企业", "", "", "", "无名", "13700003333"],  # no name
    ["坏邮箱有限公司", "企业", "", "", "not-an-email", "", ""],  # bad e-mail
    ["未知行业有限公司", "企业", "造飞船", "", "", "", ""],  # unknown industry
]


def workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["客户名称", "客户性质", "所属行业", "电话", "邮箱", "联系人", "手机"])
    for row in ROWS:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def take_back(task_id: str) -> None:
    """Remove the page's run_import message from the broker's default queue (nobody consumes it here)."""
    import redis
    from django.conf import settings

    if not task_id:
        return
    # The broker is this Redis (its URL may be spelled redis+socket:// for kombu).
    client = redis.Redis.from_url(settings.REDIS_URL)
    for raw in client.lrange("celery", 0, -1):
        try:
            if json.loads(raw).get("headers", {}).get("id") == task_id:
                client.lrem("celery", 1, raw)
        except ValueError:
            continue
    client.delete(f"celery-task-meta-{task_id}")


def test_import_with_bad_rows_then_export(page: Page, live_site, screenshots, tmp_path):
    from django.conf import settings
    from django_tenants.utils import schema_context

    from saas_core.imports import services
    from saas_core.imports.models import ImportJob
    from tenants.models import Tenant

    base = sign_up(page, live_site, "Wang Lei")
    schema = Tenant.objects.get(domains__domain=re.sub(r"^https?://([^:/]+).*$", r"\1", base)).schema_name
    task_id = ""
    try:
        open_menu(page, "imports")
        expect(page).to_have_url(base + "/imports/")
        with page.expect_download() as template:
            page.locator("[data-testid=template-customers]").click()
        assert template.value.suggested_filename.endswith(".xlsx")

        # 1. upload
        page.locator("[data-testid=new-import-customers]").click()
        page.locator("input[type=file]").set_input_files(files=[{
            "name": "customers-with-errors.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": workbook(),
        }])
        page.locator("[data-testid=upload-form] button[type=submit]").click()

        # 2. the request only stored the file: the worker reads it (its part runs here), and the
        # waiting page moves on to the columns, proposed from the Chinese headers
        expect(page).to_have_url(re.compile(re.escape(base) + r"/imports/\d+/map/$"))
        expect(page.locator("[data-testid=import-reading]")).to_be_visible()
        job_id = int(page.url.rstrip("/").split("/")[-2])
        with schema_context(schema):
            read_task = ImportJob.objects.get(pk=job_id).task_id
            take_back(read_task)
            services.read_file(job_id)
        expect(page.locator("#id_name")).to_have_value("0", timeout=30_000)
        expect(page.locator("#id_contact_mobile")).to_have_value("6")
        page.locator("[data-testid=mapping-form] button[type=submit]").click()

        # 3. preview: the three bad rows are marked, with the problem in the cell
        expect(page).to_have_url(re.compile(r"/preview/$"))
        expect(page.locator("[data-testid=preview] tr[data-problem]")).to_have_count(3)
        expect(page.locator("[data-cell-problem]").first).to_be_visible()
        page.screenshot(path=str(screenshots / "import-preview.png"), full_page=True)
        page.locator("[data-testid=confirm-import]").click()

        # 4. progress: queued; the worker's part runs now, and the page follows it to the end
        expect(page).to_have_url(re.compile(re.escape(base) + r"/imports/\d+/$"))
        job_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        with schema_context(schema):
            task_id = ImportJob.objects.get(pk=job_id).task_id
            services.run_job(job_id)
        expect(page.locator("[data-testid=progress-bar]")).to_have_text("100%")
        expect(page.locator("[data-count=imported]")).to_have_text("2")
        expect(page.locator("[data-count=rejected]")).to_have_text("3")
        link = page.locator("[data-testid=report-link]")
        expect(link).to_be_visible()
        page.screenshot(path=str(screenshots / "import-done.png"), full_page=True)
        with page.expect_download() as report:
            link.click()
        path = tmp_path / "report.xlsx"
        report.value.save_as(path)
        rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
        assert [r[0] for r in rows[1:]] == [4, 5, 6]
        assert "E-mail" in rows[2][2] and "造飞船" in rows[3][2]

        # 5. export: the customers just imported, as xlsx
        page.goto(base + "/imports/")
        with page.expect_download() as export:
            page.locator("[data-testid=export-customers]").click()
        path = tmp_path / "export.xlsx"
        export.value.save_as(path)
        rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
        assert {r[1] for r in rows[1:]} == {"上海浦江物流有限公司", "Pacific Rim Trading Co., Ltd."}
    finally:
        take_back(task_id)
        shutil.rmtree(Path(settings.MEDIA_ROOT) / "imports" / schema, ignore_errors=True)
