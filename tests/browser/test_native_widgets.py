"""The browser's own widgets in the zh-Hans UI (issue 14): an English Chromium draws file inputs
as "Choose File / No file chosen" and date fields as "mm/dd/yyyy, --:-- --". web/static/web/
widgets.js puts the page's own words on them: a translated button with the chosen file's name,
and date fields as text in the product's format with a translated placeholder and a calendar
button. Checked at 1440 px and 390 px on the pages that have them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import (  # noqa: E402
    english_texts,
    horizontal_overflow,
    new_customer,
    sign_up,
    switch_language,
    zh,
)

pytestmark = [pytest.mark.browser, pytest.mark.live]

ALLOWED = {"CRM", "Ltd", "English", "Excel", "CSV", "xlsx", "UTF-", "GBK", "QQ", "WeChat", "IANA", "UTC"}

# Every visible native file, date or date-time input (the enhanced ones are 1 px and transparent).
NATIVE_VISIBLE = r"""
() => Array.from(document.querySelectorAll("input[type=file], input[type=date], input[type=datetime-local]"))
  .filter((el) => { const b = el.getBoundingClientRect(), s = getComputedStyle(el);
                    return b.width > 2 && b.height > 2 && s.opacity !== "0" && s.display !== "none"; })
  .map((el) => el.name || el.id)
"""


def test_file_and_date_inputs_speak_the_page_s_language(page: Page, live_site, screenshots, tmp_path):
    base = sign_up(page, live_site, "王磊", company="控件")
    switch_language(page, "zh-hans")
    customer = new_customer(page, base, "北京华兴科技有限公司", contact="欧阳娜娜")
    allowed = ALLOWED | {urlsplit(base).hostname.split(".")[0]}
    pages = {
        "import_upload": ("/imports/new/customers/", "file"),
        "attachments": (f"/customers/{customer}/?tab=attachments", "file"),
        "task_form": ("/activities/tasks/new/", "date"),
        "followup_form": (f"/activities/followups/new/?customer={customer}", "date"),
        "contact_form": (f"/customers/{customer}/contacts/new/", "date"),
        "login_log": ("/accounts/login-log/", "date"),
    }
    problems: list[str] = []
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for name, (path, kind) in pages.items():
            page.goto(base + path)
            if kind == "file":
                expect(page.locator("[data-testid=file-button]").first).to_be_visible()
            else:
                expect(page.locator(".date-text").first).to_be_visible()
            page.screenshot(path=str(screenshots / f"native_widgets_{name}_{width}.png"), full_page=True)
            if native := page.evaluate(NATIVE_VISIBLE):
                problems.append(f"{name} at {width} px shows the browser's own widget for {native}")
            if (extra := horizontal_overflow(page)) > 0:
                problems.append(f"{name} at {width} px scrolls sideways by {extra} px")
            problems.extend(f"{name} at {width} px: English {t!r}" for t in english_texts(page, allowed))
            for button in page.locator("[data-testid=file-button]").all():
                if button.is_visible() and button.inner_text() != zh("Choose file"):
                    problems.append(f"{name}: file button reads {button.inner_text()!r}")
            for field in page.locator(".date-text").all():
                placeholder = field.get_attribute("placeholder")
                if placeholder not in (zh("yyyy-mm-dd"), zh("yyyy-mm-dd hh:mm")):
                    problems.append(f"{name}: date placeholder {placeholder!r}")
    assert not problems, "\n".join(problems)

    # Choosing a file shows its name in place of "no file chosen".
    page.goto(base + "/imports/new/customers/")
    chosen = page.locator("[data-testid=file-name]").first
    expect(chosen).to_have_text(zh("No file chosen"))
    sample = tmp_path / "客户名单.csv"
    sample.write_text("客户名称\n上海远景\n", encoding="utf-8")
    page.locator("input[type=file]").first.set_input_files(str(sample))
    expect(chosen).to_have_text("客户名单.csv")

    # A date-time typed in the product's format is saved as typed; the form shows it back that way.
    page.goto(base + "/activities/tasks/new/")
    start = page.locator("#id_starts_at")
    expect(start).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:00$"))  # the next whole hour
    start.fill("2027-03-01 09:30")
    page.locator("#id_ends_at").fill("2027-03-01 10:30")
    page.locator("#id_title").fill("拜访华兴")
    page.locator("[data-testid=save-task]").click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/activities/tasks/\d+/$"))
    expect(page.locator("main")).to_contain_text("2027-03-01 09:30")
