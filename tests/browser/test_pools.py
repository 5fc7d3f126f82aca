"""In a real browser (CUS-06): the Boss of a freshly signed-up workspace adds two salespeople and a
public pool with both as members and a daily claim limit of one; one salesperson releases two
customers to the pool from their 360° views; the other claims one, and the claim rules refuse the
second with a visible message, as they refuse the previous owner during the waiting period.

Three browser profiles: three people at three desks. The company signs up through the public
page, so the shared workspaces A and B are never touched; ``live_site`` drops it afterwards.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import add_sales_user, new_customer, open_menu, pick, sign_in, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

POOL = "East China pool"
SELLER = ("zhang.wei", "Zhang Wei", "Amber-Lantern-381")
CLAIMER = ("li.na", "Li Na", "Quiet-River-482")


def submit(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()


def alert(page: Page, kind: str):
    return page.locator(f"main .alert-{kind}[role=alert]")


def test_release_to_a_pool_claim_and_the_daily_limit(page: Page, desks, live_site, screenshots):
    seller, claimer = desks(2)
    base = sign_up(page, live_site, "Wang Lei", company="Pool Test")
    add_sales_user(page, base, *SELLER)
    add_sales_user(page, base, *CLAIMER)

    # --- the Boss sets the pool up: both salespeople, one claim a day ---------------------------
    open_menu(page, "pools")
    expect(page).to_have_url(base + "/pools/")
    page.locator("[data-testid=new-pool]").click()
    page.locator("#id_name").fill(POOL)
    pick(page, "id_member_users", "zhang", "Zhang Wei (Sales)")
    pick(page, "id_member_users", "li", "Li Na (Sales)")
    page.locator("#id_daily_claim_limit").fill("1")
    page.locator("#id_reclaim_wait_days").fill("30")
    submit(page)
    expect(page).to_have_url(re.compile(re.escape(base + "/pools/") + r"\d+/$"))
    expect(page.locator("[data-testid=pool-name]")).to_have_text(POOL)
    pool_url = page.url

    # --- the seller releases two of their customers from the 360° view --------------------------
    sign_in(seller, base, *SELLER)
    released = []
    for name in ("杭州云帆网络科技有限公司", "宁波海港物流有限公司"):
        pk = new_customer(seller, base, name)
        seller.locator("[data-testid=release-to-pool]").click()
        expect(seller).to_have_url(re.compile(re.escape(base + "/pools/release/?customers=") + pk))
        expect(seller.locator(f"[data-testid=release-customers] [data-customer='{pk}']")).to_contain_text(name)
        seller.locator("#id_pool").select_option(label=POOL)
        seller.locator("#id_reason").select_option(index=1)
        seller.locator("#id_note").fill("不再跟进")
        seller.locator("[data-testid=release]").click()
        expect(seller).to_have_url(base + f"/customers/{pk}/")  # back where the release started
        expect(alert(seller, "success")).to_contain_text(POOL)
        expect(seller.locator("[data-testid=pool-panel]")).to_contain_text(POOL)
        expect(seller.locator("[data-testid=customer-owner]")).to_have_text("Public pool")
        released.append((pk, name))
    seller.screenshot(path=str(screenshots / "pool_released.png"), full_page=True)

    # --- the other member claims the first one -------------------------------------------------
    sign_in(claimer, base, *CLAIMER)
    open_menu(claimer, "pools")
    claimer.locator(f"[data-testid=pool-table] a:text-is('{POOL}')").click()
    expect(claimer).to_have_url(pool_url)
    rows = claimer.locator("[data-testid=pool-customers] tr[data-customer]")
    expect(rows).to_have_count(2)
    (first, first_name), (second, second_name) = released
    claimer.locator(f"tr[data-customer='{first}'] [data-testid=claim]").click()
    expect(alert(claimer, "success")).to_contain_text(first_name)
    expect(claimer.locator(f"tr[data-customer='{first}']")).to_have_count(0)
    expect(claimer.locator("[data-testid=claimed-today]")).to_have_text("1")

    # --- a second claim the same day: refused, saying why --------------------------------------
    claimer.locator(f"tr[data-customer='{second}'] [data-testid=claim]").click()
    refused = alert(claimer, "danger")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("daily limit")
    expect(refused).to_contain_text(POOL)
    expect(claimer.locator(f"tr[data-customer='{second}']")).to_have_count(1)  # still in the pool
    claimer.screenshot(path=str(screenshots / "pool_daily_limit.png"), full_page=True)

    # The claimed customer is the claimer's now, and no longer the seller's.
    claimer.goto(base + "/customers/")
    expect(claimer.locator("[data-testid=customer-table] [data-testid=customer-name]")).to_have_text([first_name])
    claimer.goto(base + f"/customers/{first}/")
    expect(claimer.locator("[data-testid=customer-owner]")).to_have_text(CLAIMER[1])
    response = seller.goto(base + f"/customers/{first}/")
    assert response is not None and response.status == 404

    # --- the previous owner waits before taking it back ----------------------------------------
    seller.goto(pool_url)
    seller.locator(f"tr[data-customer='{second}'] [data-testid=claim]").click()
    expect(alert(seller, "danger")).to_be_visible()
    expect(seller.locator(f"tr[data-customer='{second}']")).to_have_count(1)
    expect(seller.locator("[data-testid=claimed-today]")).to_have_text("0")
