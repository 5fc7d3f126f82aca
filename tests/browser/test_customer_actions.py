"""In a real browser (CUS-05, CUS-09), in a freshly signed-up workspace: the Boss shares a customer
read-only with a salesperson (who then sees it but cannot change it), widens the share to read and
write, removes another share after a confirmation; transfers one customer from its 360° view and
two from the list's batch form (the confirmation counts who moves); merges a duplicate into its
twin and lands on the survivor.

The company signs up through the public page, so the shared workspaces A and B are never
touched; ``live_site`` drops it afterwards.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import add_sales_user, new_customer, open_menu, pick, sign_in, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

ZHANG = ("zhang.wei", "Zhang Wei", "Amber-Lantern-381")
LI = ("li.na", "Li Na", "Quiet-River-482")


def share(page: Page, colleague_name: str, level: str, until: str = "") -> None:
    page.locator("[data-testid=share-details] summary").click()
    form = page.locator("[data-testid=share-form]")
    pick(form, "id_users", colleague_name.split()[0].lower(), f"{colleague_name} (Sales)")
    form.locator("#id_level").select_option(level)
    if until:
        form.locator("#id_expires_on").fill(until)
    form.locator("[data-testid=share-submit]").click()


def test_share_transfer_and_merge(page: Page, desks, live_site, screenshots):
    (colleague,) = desks(1)
    base = sign_up(page, live_site, "Wang Lei", company="Actions Test")
    add_sales_user(page, base, *ZHANG)
    add_sales_user(page, base, *LI)
    detail = re.compile(re.escape(base + "/customers/") + r"\d+/(\?tab=\w+)?(#panel-shares)?$")

    # --- share read-only, with an end date ------------------------------------------------------
    alpha = new_customer(page, base, "杭州云帆网络科技有限公司")
    until = (timezone.localdate() + timedelta(days=7)).isoformat()
    share(page, LI[1], "read", until)
    expect(page).to_have_url(detail)
    li_share = page.locator("[data-testid=shares] [data-testid=share]").filter(has_text=LI[1])
    expect(li_share).to_have_attribute("data-level", "read")
    expect(li_share).to_contain_text(until)
    share(page, ZHANG[1], "write")
    expect(page.locator("[data-testid=shares] [data-testid=share]")).to_have_count(2)
    page.screenshot(path=str(screenshots / "customer_shares.png"), full_page=True)

    sign_in(colleague, base, *LI)
    colleague.goto(base + "/customers/")
    expect(colleague.locator("[data-testid=customer-table] [data-testid=customer-name]")).to_have_text(
        ["杭州云帆网络科技有限公司"])
    colleague.locator("[data-testid=customer-name]").click()
    expect(colleague).to_have_url(base + f"/customers/{alpha}/")
    expect(colleague.locator("[data-testid=edit-customer]")).to_have_count(0)
    expect(colleague.locator("[data-testid=share-form]")).to_have_count(0)
    response = colleague.goto(base + f"/customers/{alpha}/edit/")
    assert response is not None and response.status == 403

    # Read and write now: the colleague may edit.
    share(page, LI[1], "write")
    expect(li_share).to_have_attribute("data-level", "write")
    colleague.goto(base + f"/customers/{alpha}/")
    expect(colleague.locator("[data-testid=edit-customer]")).to_have_count(1)

    # --- remove a share, after a confirmation ----------------------------------------------------
    zhang_share = page.locator("[data-testid=shares] [data-testid=share]").filter(has_text=ZHANG[1])
    zhang_share.locator("[data-action=unshare]").click()
    expect(page.locator("[data-testid=unshare-question]")).to_contain_text(ZHANG[1])
    page.locator("[data-testid=confirm-unshare]").click()
    expect(page).to_have_url(detail)
    expect(zhang_share).to_have_count(0)
    expect(li_share).to_have_count(1)

    # --- transfer one customer from its 360° view -----------------------------------------------
    page.locator("[data-testid=transfer-customer]").click()
    expect(page).to_have_url(base + f"/customers/{alpha}/transfer/")
    pick(page, "id_to_user", "zhang", f"{ZHANG[1]} (Sales)")
    page.locator("[data-testid=transfer-continue]").click()
    expect(page.locator("[data-testid=transfer-count]")).to_have_attribute("data-count", "1")
    expect(page.locator("[data-testid=customer-owner]")).to_have_count(0)  # a confirmation page, nothing moved yet
    page.locator("[data-testid=confirm-transfer]").click()
    expect(page).to_have_url(base + f"/customers/{alpha}/")
    expect(page.locator("[data-testid=customer-owner]")).to_have_text(ZHANG[1])

    # --- batch transfer from the list -----------------------------------------------------------
    beta = new_customer(page, base, "宁波海港物流有限公司")
    gamma = new_customer(page, base, "苏州工业园区科技有限公司")
    open_menu(page, "customers")
    for pk in (alpha, beta, gamma):
        page.locator(f"[data-testid=customer-row][data-id='{pk}'] .row-check").check()
    expect(page.locator("#batch-count")).to_have_text("3")
    page.locator("[data-batch=transfer]").click()
    expect(page.locator("[data-testid=transfer-customers] tbody tr")).to_have_count(3)
    pick(page, "id_to_user", "zhang", f"{ZHANG[1]} (Sales)")
    page.locator("[data-testid=transfer-continue]").click()
    expect(page.locator("[data-testid=transfer-count]")).to_have_attribute("data-count", "2")  # alpha is Zhang's
    page.screenshot(path=str(screenshots / "customer_batch_transfer.png"), full_page=True)
    page.locator("[data-testid=confirm-transfer]").click()
    expect(page).to_have_url(base + "/customers/")
    expect(page.locator("main .alert-success[role=alert]")).to_contain_text(ZHANG[1])
    for pk in (alpha, beta, gamma):
        expect(page.locator(f"[data-testid=customer-row][data-id='{pk}'] td").nth(7)).to_have_text(ZHANG[1])

    # --- merge a duplicate into its twin --------------------------------------------------------
    survivor = new_customer(page, base, "北京华兴科技有限公司", contact="张伟")
    duplicate = new_customer(page, base, "北京华兴科技有限公司", contact="李娜")
    page.locator("[data-testid=merge-customer]").click()
    expect(page).to_have_url(base + f"/customers/{duplicate}/merge/")
    candidates = page.locator("[data-testid=merge-candidates] tbody tr[data-id]")
    expect(candidates).to_have_count(1)  # the twin, suggested by its name
    expect(candidates).to_have_attribute("data-id", survivor)
    page.locator("#merge-q").fill("bjhx")
    page.locator("[data-testid=merge-search] button[type=submit]").click()
    page.locator(f"[data-testid=merge-candidates] tr[data-id='{survivor}'] [data-action=choose-survivor]").click()
    expect(page).to_have_url(base + f"/customers/{duplicate}/merge/{survivor}/")
    expect(page.locator("[data-testid=merge-moves] [data-what=contacts] [data-count]")).to_have_text("1")
    expect(page.locator("[data-testid=merge-to-bin]")).to_be_visible()
    page.screenshot(path=str(screenshots / "customer_merge_confirm.png"), full_page=True)
    page.locator("[data-testid=confirm-merge]").click()
    expect(page).to_have_url(base + f"/customers/{survivor}/")
    expect(page.locator("main .alert-success[role=alert]")).to_be_visible()
    expect(page.locator("[data-testid=customer-contacts] [data-testid=contact-row]")).to_have_count(2)
    response = page.goto(base + f"/customers/{duplicate}/")
    assert response is not None and response.status == 404  # in the recycle bin now
