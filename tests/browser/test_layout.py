"""The main pages at a desktop's and a phone's width (issue 14, PLT-09), as the Boss in zh-Hans.

For each page, at 1440 px and at 390 px: nothing scrolls sideways
(``document.scrollingElement.scrollWidth <= innerWidth``), and at 390 px lists are cards. In
the Chinese UI no visible text is left in English, at either width: every text node with an ASCII
word of three letters or more is reported unless it is data typed here, a brand, or a name kept
in English on purpose (ALLOWED; helpers.english_texts). Screenshots of every page at both widths go to test-artifacts/screenshots/
(the CI artifacts folder the README names).
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import english_texts, open_user_menu, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

WIDTHS = {"desktop": (1440, 900), "phone": (390, 844)}
# Words that stay in English in the Chinese UI: brands, file formats, the other language's name.
ALLOWED = {"CRM", "API", "Excel", "CSV", "xlsx", "QQ", "WeChat", "English", "Ltd", "Stripe", "SMS", "UTC", "JSON",
           "OpenAPI", "Swagger", "ReDoc", "PDF", "IANA", "VIP", "Ctrl", "Mac", "UTF-", "GBK"}

def overflow(page: Page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def seed(base: str, boss_name: str) -> dict:
    """A customer with contacts, a follow-up and a task in the new workspace (as the Boss)."""
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from saas_core.accounts.models import User
    from saas_core.activities import services as activities
    from saas_core.customers import services as customers
    from tenants.models import Domain

    host = urlsplit(base).hostname
    schema = Domain.objects.select_related("tenant").get(domain=host).tenant.schema_name
    with schema_context(schema):
        boss = User.objects.get(name=boss_name)
        now = timezone.now()
        customer = customers.create_customer(
            by=boss, name="北京华兴科技有限公司", phone="010-6234 5678", confirm_duplicates=True,
            contact={"name": "欧阳娜娜", "mobile": "139 0571 0000", "title": "采购经理"},
        )
        customers.create_customer(by=boss, name="上海远景国际贸易有限公司（华东区域总部）", confirm_duplicates=True,
                                  contact={"name": "陈静", "phone": "021-6234 5678"})
        activities.save_followup(None, by=boss, customer=customer, subject="电话沟通报价单",
                                 content="客户希望下周二上门演示。", happened_at=now)
        activities.create_task(by=boss, kind="task", title="准备演示材料", customer=customer,
                               starts_at=now + timedelta(hours=2))
        activities.create_task(by=boss, kind="schedule", title="上门拜访华兴", customer=customer,
                               starts_at=now + timedelta(days=1))
        return {"customer": customer.pk}


def pages(ids: dict) -> dict[str, str]:
    return {
        "workbench": "/workbench/",
        "customers": "/customers/",
        "contacts": "/customers/contacts/",
        "followups": "/activities/followups/",
        "tasks": "/activities/tasks/",
        "calendar_month": "/activities/calendar/",
        "calendar_week": "/activities/calendar/?view=week",
        "calendar_day": "/activities/calendar/?view=day",
        "customer_360": f"/customers/{ids['customer']}/",
        "customer_form": "/customers/new/",
        "contact_form": "/customers/contacts/new/",
        "followup_form": f"/activities/followups/new/?customer={ids['customer']}",
        "task_form": "/activities/tasks/new/",
        "org": "/org/departments/",
        "users": "/accounts/users/",
        "invite": "/accounts/users/invite/",
        "settings": "/accounts/settings/",
        "notifications": "/activities/notifications/",
        "imports": "/imports/",
        "import_upload": "/imports/new/customers/",
        "announcements": "/announcements/",
        "search": "/search/?q=华兴",
    }


def test_main_pages_fit_a_phone_and_a_desktop_and_speak_chinese(page: Page, live_site, screenshots):
    boss = "王磊"
    base = sign_up(page, live_site, boss, company="布局")
    ids = seed(base, boss)
    sub = urlsplit(base).hostname.split(".")[0]
    allowed = sorted(ALLOWED | {sub})
    open_user_menu(page)
    page.locator("#language-switch button[data-lang=zh-hans]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    problems: list[str] = []
    for name, path in pages(ids).items():
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(base + path)
            expect(page.locator("main")).to_be_visible()
            page.screenshot(path=str(screenshots / f"layout_{name}_{width}.png"), full_page=True)
            if (extra := overflow(page)) > 0:
                problems.append(f"{name} at {width} px scrolls sideways by {extra} px")
            # A phone shows other text than a desktop (cards, the drawer's button): both are read.
            english = english_texts(page, allowed)
            problems.extend(f"{name} at {width} px: English in the Chinese UI: {text!r}" for text in english)
            if width_name == "phone":
                # Lists are cards: no table with a visible heading row wider than the screen.
                wide = page.evaluate("""() => Array.from(document.querySelectorAll('main table'))
                    .filter((t) => t.getBoundingClientRect().width > window.innerWidth).length""")
                if wide:
                    problems.append(f"{name} at {width} px has {wide} table(s) wider than the screen")
    assert not problems, "\n".join(problems)


def test_a_phone_shows_lists_as_cards_with_callable_numbers(page: Page, live_site, screenshots):
    boss = "王磊"
    base = sign_up(page, live_site, boss, company="手机")
    seed(base, boss)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/customers/")
    table = page.locator("[data-testid=customer-table]")
    expect(table).to_have_class(re.compile(r"\btable-cards\b"))
    expect(table.locator("thead")).to_be_hidden()
    name = table.locator("[data-testid=customer-name]", has_text="北京华兴科技有限公司")
    # The name reads on one line, not one character per line.
    assert name.bounding_box()["width"] > 150
    row = table.locator("[data-testid=customer-row]", has_text="北京华兴科技有限公司")
    expect(row.locator("a[href='tel:13905710000']")).to_be_visible()
    expect(row.locator("a[href='sms:13905710000']")).to_be_visible()
    page.screenshot(path=str(screenshots / "phone_customer_cards.png"), full_page=True)

    # The calendar: the month keeps its grid within the screen; the week is a list of days.
    page.goto(base + "/activities/calendar/")
    assert overflow(page) <= 0
    expect(page.locator("[data-testid=calendar-count]").first).to_be_visible()
    page.goto(base + "/activities/calendar/?view=week")
    days = page.locator("[data-testid=calendar-week] .calendar-col")
    first, second = days.nth(0).bounding_box(), days.nth(1).bounding_box()
    assert second["y"] > first["y"] and first["width"] > 300  # stacked, full width
    assert overflow(page) <= 0


def test_week_columns_are_even_on_a_desktop(page: Page, live_site):
    boss = "王磊"
    base = sign_up(page, live_site, boss, company="周视图")
    seed(base, boss)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(base + "/activities/calendar/?view=week")
    widths = [round(box["width"]) for box in
              (c.bounding_box() for c in page.locator("[data-testid=calendar-week] .calendar-col").all())]
    assert len(widths) == 7 and max(widths) - min(widths) <= 2, widths


def test_batch_toolbar_appears_only_with_a_ticked_row(page: Page, live_site):
    boss = "王磊"
    base = sign_up(page, live_site, boss, company="批量")
    seed(base, boss)
    page.goto(base + "/customers/")
    toolbar = page.locator("[data-testid=batch-form]")
    expect(toolbar).to_be_hidden()
    boxes = page.locator(".row-check")
    boxes.first.check()
    expect(toolbar).to_be_visible()
    expect(page.locator("#batch-count")).to_have_text("1")
    boxes.first.uncheck()
    expect(toolbar).to_be_hidden()
    page.locator("#select-all").check()
    expect(toolbar).to_be_visible()
    expect(page.locator("#batch-count")).to_have_text("2")
