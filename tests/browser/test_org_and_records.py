"""In a real browser, as the Boss of a freshly signed-up workspace: departments and roles,
announcements through the recycle bin and back, and the data log of an edit.

Each test signs a new company up through the public signup page (as a customer would), so the
committed workspaces A and B are never touched; ``live_site`` drops the new workspace afterwards.
Assertions read stable things (URLs, data attributes, the names typed here), not UI labels whose
translations may change.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import open_menu, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]



@pytest.fixture
def second_page(desks):
    """A second, independent browser profile (another person at another desk)."""
    (tab,) = desks(1)
    return tab


def submit(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").click()


def exact(text: str) -> re.Pattern:
    """Matches an element whose whole text is ``text``."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def department(scope, name: str):
    return scope.locator(f"li.org-node[data-department='{name}']")


def own_action(node, action: str):
    """A department's own action link (not one of its sub-departments')."""
    return node.locator(f":scope > div [data-action={action}]")


def option_value(page: Page, select: str, name: str) -> str:
    """The value of a tree select's option for department ``name`` (labels are indented)."""
    option = page.locator(f"{select} option").filter(has_text=re.compile(rf"^\W*{re.escape(name)}$"))
    expect(option).to_have_count(1)
    return option.get_attribute("value")


def add_department(page: Page, base: str, name: str, parent: str | None = None) -> None:
    if parent is None:
        page.locator("[data-testid=new-department]").click()
        expect(page).to_have_url(base + "/org/departments/new/")
    else:
        own_action(department(page, parent), "add-child").click()
        expect(page).to_have_url(re.compile(re.escape(base + "/org/departments/new/?parent=") + r"\d+$"))
        # The parent comes preselected from the link.
        expect(page.locator("#id_parent")).to_have_value(option_value(page, "#id_parent", parent))
    page.locator("#id_name").fill(name)
    submit(page)
    expect(page).to_have_url(base + "/org/departments/")
    expect(department(page, name)).to_have_count(1)


def test_boss_builds_the_department_tree_and_widens_the_sales_role(
    page: Page, second_page: Page, live_site, screenshots
):
    boss = "Chen Jing"
    base = sign_up(page, live_site, boss, company="Org Test")

    # --- the department tree ---------------------------------------------------------------
    open_menu(page, "departments")
    expect(page).to_have_url(base + "/org/departments/")
    expect(page.locator("[data-testid=no-departments]")).to_have_count(1)
    add_department(page, base, "Head Office")
    add_department(page, base, "East Region", parent="Head Office")
    add_department(page, base, "Shanghai Team", parent="East Region")
    add_department(page, base, "Xuhui Group", parent="Shanghai Team")

    # The org chart nests them, level by level.
    tree = page.locator("[data-testid=org-tree]")
    top = tree.locator(":scope > li.org-node[data-department='Head Office']")
    expect(top).to_have_attribute("data-depth", "1")
    second = top.locator(":scope > ul > li.org-node[data-department='East Region']")
    expect(second).to_have_attribute("data-depth", "2")
    third = second.locator(":scope > ul > li.org-node[data-department='Shanghai Team']")
    expect(third).to_have_attribute("data-depth", "3")
    fourth = third.locator(":scope > ul > li.org-node[data-department='Xuhui Group']")
    expect(fourth).to_have_attribute("data-depth", "4")
    # The fourth level is the last: no "Add sub-department" there, but above it.
    expect(own_action(fourth, "add-child")).to_have_count(0)
    expect(own_action(third, "add-child")).to_have_count(1)

    # A fifth level, by moving a two-level branch under the third level: refused, naming the limit.
    add_department(page, base, "Project Office")
    add_department(page, base, "Pudong Squad", parent="Project Office")
    own_action(department(page, "Project Office"), "move").click()
    move_url = re.compile(re.escape(base + "/org/departments/") + r"\d+/move/$")
    expect(page).to_have_url(move_url)
    page.locator("#id_parent").select_option(option_value(page, "#id_parent", "Shanghai Team"))
    submit(page)
    expect(page).to_have_url(move_url)
    refusal = page.locator("[data-error-for=parent]")
    expect(refusal).to_have_count(1)
    expect(refusal).to_contain_text(re.compile(r"\b4\b"))  # the limit
    expect(refusal).to_contain_text(re.compile(r"\b5\b"))  # the level it would have made
    page.goto(base + "/org/departments/")
    expect(tree.locator(":scope > li.org-node[data-department='Project Office']")).to_have_attribute("data-depth", "1")
    expect(department(page, "Pudong Squad")).to_have_attribute("data-depth", "2")

    # Rename the second level: it keeps its place and its sub-departments.
    own_action(second, "edit").click()
    expect(page).to_have_url(re.compile(re.escape(base + "/org/departments/") + r"\d+/$"))
    expect(page.locator("#id_name")).to_have_value("East Region")
    page.locator("#id_name").fill("East China Region")
    submit(page)
    expect(page).to_have_url(base + "/org/departments/")
    expect(department(page, "East Region")).to_have_count(0)
    renamed = top.locator(":scope > ul > li.org-node[data-department='East China Region']")
    expect(renamed).to_have_attribute("data-depth", "2")
    expect(
        renamed.locator("li.org-node[data-department='Shanghai Team'] li.org-node[data-department='Xuhui Group']")
    ).to_have_count(1)
    page.screenshot(path=str(screenshots / "org_chart.png"), full_page=True)

    # --- a Sales user, signed in at another desk ---------------------------------------------
    sales_user, sales_name, sales_password = "li.na", "Li Na", "Quiet-River-482"
    open_menu(page, "users")
    page.locator("[data-testid=new-user]").click()
    expect(page).to_have_url(base + "/accounts/users/new/")
    page.locator("#id_username").fill(sales_user)
    page.locator("#id_name").fill(sales_name)
    page.locator("#id_role").select_option("sales")
    page.locator("#id_department").select_option(option_value(page, "#id_department", "Shanghai Team"))
    page.locator("#id_language").select_option("en")
    page.locator("#id_password").fill(sales_password)
    submit(page)
    expect(page).to_have_url(base + "/accounts/users/")
    expect(page.locator(f"[data-testid=user-table] tr[data-username='{sales_user}']")).to_have_count(1)

    sales = second_page
    sales.goto(base + "/accounts/login/")
    sales.locator("#id_username").fill(sales_user)
    sales.locator("#id_password").fill(sales_password)
    submit(sales)
    expect(sales).to_have_url(base + "/workbench/")
    expect(sales.locator("[data-testid=current-user]")).to_contain_text(sales_name)
    # Sales may not open the organisation by default.
    expect(sales.locator("[data-menu=departments]")).to_have_count(0)
    response = sales.goto(base + "/org/departments/")
    assert response is not None and response.status == 403
    expect(sales.locator("[data-testid=org-tree]")).to_have_count(0)

    # --- the Boss grants Sales "view" on the organisation --------------------------------------
    open_menu(page, "roles")
    expect(page).to_have_url(base + "/org/roles/")
    page.locator("[data-testid=role-table] tr[data-role=sales] [data-action=edit]").click()
    expect(page).to_have_url(base + "/org/roles/sales/")
    box = page.locator("[data-testid=permission-matrix] tr[data-module=organisation] #id_perm__organisation__view")
    expect(box).not_to_be_checked()
    expect(page.locator("#id_perm__customers__view")).to_be_checked()  # a default grant stays as it is
    box.check()
    page.locator("[data-testid=save-role]").click()
    expect(page).to_have_url(base + "/org/roles/")
    page.locator("[data-testid=role-table] tr[data-role=sales] [data-action=edit]").click()
    expect(page).to_have_url(base + "/org/roles/sales/")
    expect(box).to_be_checked()  # persisted
    expect(page.locator("#id_perm__organisation__edit")).not_to_be_checked()  # and nothing more
    expect(page.locator("#id_perm__customers__view")).to_be_checked()
    page.screenshot(path=str(screenshots / "role_edit.png"), full_page=True)

    # The Sales user's next page shows the menu entry, and the org chart opens (read-only).
    sales.goto(base + "/workbench/")
    expect(sales.locator("[data-menu=departments]")).to_have_count(1)
    open_menu(sales, "departments")
    expect(sales).to_have_url(base + "/org/departments/")
    team = department(sales, "Shanghai Team")
    expect(team.locator(f":scope > [data-testid=members] [data-user='{sales_user}']")).to_have_count(1)
    expect(sales.locator("[data-testid=new-department]")).to_have_count(0)
    expect(sales.locator("[data-testid=org-tree] [data-action]")).to_have_count(0)


def test_announcement_goes_to_the_recycle_bin_comes_back_and_its_edit_is_logged(page: Page, live_site, screenshots):
    boss = "Zhou Min"
    base = sign_up(page, live_site, boss, company="Org Test")
    title, body = "Office closed on Friday", "The office is closed this Friday for maintenance."
    listing = page.locator("[data-testid=announcements]")

    # Post an announcement.
    open_menu(page, "announcements")
    expect(page).to_have_url(base + "/announcements/")
    page.locator("main a[href='/announcements/new/']").click()
    expect(page).to_have_url(base + "/announcements/new/")
    page.locator("#id_title").fill(title)
    page.locator("#id_body").fill(body)
    submit(page)
    detail_url = re.compile(re.escape(base + "/announcements/") + r"(\d+)/$")
    expect(page).to_have_url(detail_url)
    pk = int(detail_url.match(page.url).group(1))
    detail = f"{base}/announcements/{pk}/"
    expect(page.locator("main h1")).to_have_text(title)
    expect(page.locator("[data-testid=announcement-body]")).to_contain_text(body)

    # Delete it: a confirmation page first, then it leaves the list.
    page.locator(f"main a[href='/announcements/{pk}/delete/']").click()
    expect(page).to_have_url(f"{detail}delete/")
    expect(page.locator("main")).to_contain_text(title)
    submit(page)
    expect(page).to_have_url(base + "/announcements/")
    expect(listing.locator(f"a[href='/announcements/{pk}/']")).to_have_count(0)
    assert page.goto(detail).status == 404

    # It is in the recycle bin, deleted by the Boss.
    page.goto(base + "/workbench/")
    open_menu(page, "recycle_bin")
    expect(page).to_have_url(base + "/records/bin/")
    entry = page.locator("[data-testid=bin] tbody tr[data-entry]").filter(has_text=title)
    expect(entry).to_have_count(1)
    expect(entry.locator("td", has_text=exact(boss))).to_have_count(1)
    page.screenshot(path=str(screenshots / "recycle_bin.png"), full_page=True)

    # Restore it: out of the bin, back in the list.
    entry.locator("form[action$='/restore/'] button[type=submit]").click()
    expect(page).to_have_url(base + "/records/bin/")
    expect(page.locator("[data-testid=bin] tbody tr[data-entry]").filter(has_text=title)).to_have_count(0)
    open_menu(page, "announcements")
    expect(page).to_have_url(base + "/announcements/")
    expect(listing.locator(f"a[href='/announcements/{pk}/']")).to_contain_text(title)

    # Edit its title.
    new_title = "Office closed on Friday afternoon"
    listing.locator(f"a[href='/announcements/{pk}/']").click()
    expect(page).to_have_url(detail)
    page.locator(f"main a[href='/announcements/{pk}/edit/']").click()
    expect(page).to_have_url(f"{detail}edit/")
    expect(page.locator("#id_title")).to_have_value(title)
    page.locator("#id_title").fill(new_title)
    submit(page)
    expect(page).to_have_url(detail)
    expect(page.locator("main h1")).to_have_text(new_title)

    # The data log (from the detail page) shows the old and the new title, changed by the Boss.
    page.locator(f"main a[href='/records/announcements.announcement/{pk}/history/']").click()
    expect(page).to_have_url(f"{base}/records/announcements.announcement/{pk}/history/")
    log = page.locator("[data-testid=data-log] tbody")

    def cell(text: str):
        return page.locator("td", has_text=exact(text))

    change = log.locator("tr").filter(has=cell(title)).filter(has=cell(new_title))
    expect(change).to_have_count(1)
    expect(change.locator("td").nth(-2)).to_have_text(title)  # before
    expect(change.locator("td").nth(-1)).to_have_text(new_title)  # after
    expect(change.locator("td", has_text=exact(boss))).to_have_count(1)  # who
    expect(log.locator("tr").first.locator("td", has_text=exact(new_title))).to_have_count(1)  # the newest entry
    page.screenshot(path=str(screenshots / "data_log.png"), full_page=True)
