"""In a real browser (ACT-01..03): a follow-up recorded from a customer's 360° view; a task handed
over by one salesperson to another, marked done and confirmed by its creator; the calendar's
week view with the team's items; a daily report drafted, submitted, read (unread marker) and
replied to by the Boss, whose reply shows as new to the author.

Each test signs a fresh company up through the public page (``live_site`` drops it afterwards);
every person works in a browser profile of their own.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime, timedelta

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import add_sales_user, new_customer, open_menu, pick, sign_in, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

SELLER = ("zhang.wei", "Zhang Wei", "Amber-Lantern-381")
TAKER = ("li.na", "Li Na", "Quiet-River-482")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")  # the new company's time zone


def alert(page: Page, kind: str):
    return page.locator(f"main .alert-{kind}[role=alert]")


def test_follow_up_from_360_and_a_daily_report_with_reply(page: Page, desks, live_site, screenshots):
    [seller] = desks(1)
    base = sign_up(page, live_site, "Wang Lei", company="Report Test")
    add_sales_user(page, base, *SELLER)

    # --- a follow-up from the customer's 360° view -------------------------------------------
    sign_in(seller, base, *SELLER)
    pk = new_customer(seller, base, "杭州云帆网络科技有限公司")
    seller.locator("[data-tab=followups]").click()  # the tab's panel (with the form) is fetched
    form = seller.locator("[data-testid=followup-form]")
    form.locator("#id_kind").select_option(label="Phone call")
    form.locator("#id_subject").fill("电话沟通采购需求")
    form.locator("#id_content").fill("客户计划下月采购 200 台")
    form.locator("[data-testid=save-followup]").click()
    expect(seller).to_have_url(base + f"/customers/{pk}/?tab=followups")
    expect(alert(seller, "success")).to_contain_text("电话沟通采购需求")
    expect(seller.locator("[data-testid=customer-followups] [data-testid=followup-row]")).to_contain_text("Phone call")
    seller.screenshot(path=str(screenshots / "followup_360.png"), full_page=True)
    open_menu(seller, "followups")
    seller.locator("[data-view=followed_today]").click()
    expect(seller.locator("[data-testid=followup-table]")).to_contain_text("杭州云帆网络科技有限公司")

    # --- the daily report: activity filled in, draft, submit --------------------------------
    open_menu(seller, "daily_reports")
    seller.locator("[data-testid=write-today]").click()
    expect(seller.locator("[data-testid=report-activity]")).to_contain_text("电话沟通采购需求")
    expect(seller.locator("[data-testid=report-activity]")).to_contain_text("杭州云帆网络科技有限公司")
    seller.locator("#id_plan").fill("明天上门拜访杭州云帆")
    seller.locator("[data-testid=save-draft]").click()
    expect(alert(seller, "success")).to_contain_text("draft has been saved")
    seller.locator("[data-testid=submit-report]").click()
    expect(seller.locator("[data-error-for=summary]")).to_contain_text("summary")  # nothing submitted without one
    seller.locator("#id_summary").fill("跟进了杭州云帆，对方有采购意向")
    seller.locator("[data-testid=submit-report]").click()
    expect(seller).to_have_url(re.compile(re.escape(base) + r"/activities/reports/\d+/$"))
    expect(seller.locator("[data-testid=report-status]")).to_contain_text("Submitted")
    report_url = seller.url

    # --- the Boss sees it as new, reads it and replies -----------------------------------------
    open_menu(page, "daily_reports")
    unread = page.locator("[data-testid=team-report][data-unread='1']")
    expect(unread).to_contain_text("Zhang Wei")
    expect(page.locator("[data-testid=reports-unread]")).to_have_text("1")
    unread.click()
    expect(page).to_have_url(report_url)
    expect(page.locator("[data-testid=report-summary]")).to_contain_text("跟进了杭州云帆")
    page.locator("#id_body").fill("很好，拜访时带上报价单")
    page.locator("[data-testid=send-reply]").click()
    expect(page.locator("[data-testid=report-reply]")).to_contain_text("带上报价单")
    open_menu(page, "daily_reports")
    expect(page.locator("[data-testid=team-report][data-unread='1']")).to_have_count(0)
    page.locator("[data-testid=month-overview]").click()
    expect(page.locator("[data-testid=month-table] td[data-cell=submitted]")).to_have_count(1)

    # --- the author sees the reply as new ----------------------------------------------------
    open_menu(seller, "daily_reports")
    mine = seller.locator("[data-testid=my-reports] [data-unread='1']")
    expect(mine).to_contain_text("New reply")
    mine.click()
    expect(seller.locator("[data-testid=report-reply]")).to_contain_text("Wang Lei")
    seller.screenshot(path=str(screenshots / "daily_report_reply.png"), full_page=True)


def test_task_hand_over_confirmation_and_the_calendar_week(page: Page, desks, live_site, screenshots):
    seller, taker = desks(2)
    base = sign_up(page, live_site, "Wang Lei", company="Task Test")
    add_sales_user(page, base, *SELLER)
    add_sales_user(page, base, *TAKER)
    start = (datetime.now(SHANGHAI) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)

    # --- the Boss assigns a task to Zhang Wei ------------------------------------------------
    open_menu(page, "tasks")
    page.locator("[data-testid=new-task]").click()
    page.locator("#id_title").fill("准备投标文件")
    page.locator("#id_starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_ends_at").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    pick(page, "id_assignees", "zhang", "Zhang Wei (Sales)")
    page.locator("[data-testid=save-task]").click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/activities/tasks/\d+/$"))
    task_url = page.url
    expect(page.locator("[data-testid=task-status]")).to_have_text("Open")

    # --- Zhang Wei hands it over to Li Na ----------------------------------------------------
    sign_in(seller, base, *SELLER)
    open_menu(seller, "tasks")
    seller.locator("[data-testid=task-table] a:text-is('准备投标文件')").click()
    expect(seller).to_have_url(task_url)
    pick(seller, "id_to", "li", "Li Na (Sales)")
    seller.locator("#id_note").fill("我下周出差，请接手")
    seller.locator("[data-testid=hand-over]").click()
    expect(alert(seller, "success")).to_contain_text("Li Na")
    expect(seller.locator("[data-testid=task-table]")).not_to_contain_text("准备投标文件")

    # --- Li Na is told, does it ------------------------------------------------------------------
    sign_in(taker, base, *TAKER)
    open_menu(taker, "notifications")
    taker.locator("[data-testid=notifications] a", has_text="handed").click()
    expect(taker).to_have_url(task_url)
    expect(taker.locator("[data-testid=assignments]")).to_contain_text("我下周出差，请接手")
    taker.locator("[data-testid=mark-done]").click()
    expect(taker.locator("[data-testid=task-status]")).to_have_text("Done, awaiting confirmation")

    # --- the Boss confirms ----------------------------------------------------------------------
    open_menu(page, "tasks")
    page.locator("[data-show=confirm]").click()
    page.locator("[data-testid=task-table] a:text-is('准备投标文件')").click()
    page.locator("[data-testid=confirm-task]").click()
    expect(page.locator("[data-testid=task-status]")).to_have_text("Confirmed")

    # --- the calendar's week view, with the team's items ------------------------------------------
    sign_in(seller, base, *SELLER)
    open_menu(seller, "calendar")
    seller.locator("[data-testid=calendar-new]").click()
    seller.locator("#id_kind_0").check()  # a schedule
    seller.locator("#id_title").fill("拜访杭州云帆")
    seller.locator("#id_starts_at").fill((start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    seller.locator("#id_ends_at").fill((start + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"))
    seller.locator("[data-testid=save-task]").click()
    expect(seller).to_have_url(re.compile(re.escape(base) + r"/activities/tasks/\d+/$"))

    open_menu(page, "calendar")
    page.goto(base + f"/activities/calendar/?date={start:%Y-%m-%d}")
    page.locator("[data-calendar-view=week]").click()
    page.locator("[data-testid=calendar-who]").select_option("team")
    week = page.locator("[data-testid=calendar-week]")
    day = week.locator(f"[data-day='{start:%Y-%m-%d}']")
    expect(day.locator("[data-testid=calendar-item]", has_text="准备投标文件")).to_contain_text("10:00")
    expect(day.locator("[data-testid=calendar-item]", has_text="拜访杭州云帆")).to_contain_text("Zhang Wei")
    expect(week.locator("[data-day]")).to_have_count(7)
    page.screenshot(path=str(screenshots / "calendar_week.png"), full_page=True)
    page.locator("[data-testid=calendar-next]").click()
    expect(page.locator("[data-testid=calendar-week] [data-testid=calendar-item]")).to_have_count(0)
