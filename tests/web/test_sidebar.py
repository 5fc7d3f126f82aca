"""The app shell's navigation (issue 14): a sidebar grouped by area, filled from the menu registry;
the quick-create menu; the top bar's user menu."""

import re

import pytest

from saas_core.accounts.models import Role
from tests.saas_core.org.conftest import build_org
from web import menu
from web.menu import GROUPS, entry_from_spec

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def groups_in(html: str) -> list[str]:
    return re.findall(r'data-menu-group="([^"]+)"', html)


def entries_of(html: str, group: str) -> list[str]:
    block = re.search(rf'data-menu-group="{group}">(.*?)</ul>', html, re.S).group(1)
    return re.findall(r'data-menu="([^"]+)"', block)


def test_the_boss_sees_the_groups_that_have_entries_in_order(client_for, tenant_a, boss_a):
    html = client_for(tenant_a, boss_a).get("/workbench/").content.decode()
    assert 'id="sidebar"' in html and "navbar-nav" not in html  # the top bar's menus are gone
    # Groups of areas not built yet (service, reports) and modules that are off are not shown.
    assert groups_in(html) == ["customers", "activities", "sales", "system"]
    assert entries_of(html, "sales") == ["opportunities", "opportunity_kanban", "funnel", "opportunity_types", "quotes",
                                        "contracts", "orders", "payment_plans", "payment_records", "invoices",
                                        "expenses", "contract_numbering", "targets", "products"]
    assert entries_of(html, "customers")[:4] == ["customers", "customer_new", "contacts", "pools"]
    assert "imports" in entries_of(html, "customers")
    assert entries_of(html, "activities") == ["approvals", "followups", "tasks", "calendar", "today", "daily_reports",
                                             "care"]
    assert {"departments", "roles", "dictionaries", "recycle_bin", "announcements", "users", "subscription"} <= set(
        entries_of(html, "system"))
    # The workbench sits above the groups; personal pages are in the user menu, not the sidebar.
    assert 'data-menu="workbench"' in html.split('data-menu-group=')[0]
    user_menu = html.split('class="dropdown-menu dropdown-menu-end user-menu"')[1].split("</form>")[0]
    assert all(f'data-menu="{key}"' in user_menu for key in ("settings", "password", "notifications", "api_docs"))


def test_sales_see_no_system_administration(client_for, tenant_a, boss_a, make_user):
    org = build_org(tenant_a, boss_a, make_user)
    html = client_for(tenant_a, org.sales1).get("/workbench/").content.decode()
    assert "customers" in groups_in(html) and "activities" in groups_in(html)
    assert not {"roles", "users", "dictionaries", "subscription"} & set(re.findall(r'data-menu="([^"]+)"', html))
    # The maintainer sees no business data: neither customers nor activities.
    maint = client_for(tenant_a, org.maintainer).get("/workbench/").content.decode()
    assert "customers" not in groups_in(maint)
    # Of activities, only "waiting for my approval": anyone may be named an approver.
    assert "followups" not in set(re.findall(r'data-menu="([^"]+)"', maint))
    assert "approvals" in set(re.findall(r'data-menu="([^"]+)"', maint))


def test_group_labels_in_both_languages(client_for, tenant_a, make_user):
    zh = client_for(tenant_a, make_user(tenant_a, role="boss", language="zh-hans")).get("/workbench/").content.decode()
    en = client_for(tenant_a, make_user(tenant_a, role="boss", language="en")).get("/workbench/").content.decode()

    def title(html, group):
        block = re.search(rf'data-menu-group="{group}">.*?<span class="menu-label">([^<]+)</span>', html, re.S)
        return block.group(1)

    assert [title(en, g) for g in ("customers", "activities", "system")] == ["Customers", "Activities", "System"]
    assert [title(zh, g) for g in ("customers", "activities", "system")] == ["客户", "日程行动", "系统"]


def test_a_module_entry_names_its_group_and_older_ones_follow_their_section():
    named = entry_from_spec({"key": "x1", "label": "X", "url_name": "web:workbench", "group": "sales"})
    older = entry_from_spec({"key": "x2", "label": "X", "url_name": "web:workbench", "section": "marketing"})
    assert named.group == "sales" and older.group == "modules"
    assert set(GROUPS) >= {"customers", "sales", "service", "reports", "modules", "system"}


def test_a_module_switched_on_adds_its_entries_to_the_modules_group(client_for, tenant_a, boss_a, monkeypatch):
    # The plugins app registered the modules' entries as a source of the menu registry.
    from plugins import gate

    assert gate.menu_entries in menu._sources
    monkeypatch.setattr(menu, "_sources", [lambda request: [
        {"key": "sms_send", "label": "Send SMS", "url_name": "web:workbench", "section": "marketing"},
    ]])
    html = client_for(tenant_a, boss_a).get("/workbench/").content.decode()
    assert groups_in(html) == ["customers", "activities", "sales", "modules", "system"]
    assert entries_of(html, "modules") == ["sms_send"]


def quick_create(html: str) -> list[str]:
    return re.findall(r'data-create="([^"]+)"', html)


def test_quick_create_offers_only_what_the_user_may_create(client_for, tenant_a, boss_a, make_user):
    org = build_org(tenant_a, boss_a, make_user)
    boss = client_for(tenant_a, boss_a)
    html = boss.get("/workbench/").content.decode()
    assert quick_create(html) == ["create_customer", "create_contact", "create_followup", "create_task", "create_schedule",
                                  "create_product", "create_opportunity", "create_quote", "create_contract",
                                  "create_order", "create_expense"]
    for href in re.findall(r'href="([^"]+)" data-create=', html):
        assert boss.get(href.replace("&amp;", "&")).status_code == 200, href
    # The schedule entry opens the task form with "schedule" chosen.
    schedule = boss.get("/activities/tasks/new/?kind=schedule").content.decode()
    assert re.search(r'value="schedule"[^>]*checked|<option value="schedule" selected', schedule)
    # The maintainer may create nothing: no "+" button at all.
    maint = client_for(tenant_a, org.maintainer).get("/workbench/").content.decode()
    assert quick_create(maint) == [] and 'data-testid="quick-create"' not in maint


@pytest.mark.parametrize("role", [Role.SALES.value, Role.CUSTOMER_SERVICE.value])
def test_quick_create_links_open_for_other_roles(client_for, tenant_a, make_user, role):
    user = make_user(tenant_a, role=role)
    client = client_for(tenant_a, user)
    html = client.get("/workbench/").content.decode()
    for href in re.findall(r'href="([^"]+)" data-create=', html):
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def test_the_shell_has_no_inline_code(client_for, tenant_a, boss_a):
    html = client_for(tenant_a, boss_a).get("/workbench/").content.decode()
    assert " style=" not in html and " onclick=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)



@pytest.mark.parametrize(("path", "active"), [
    ("/customers/", "customers"),
    ("/customers/new/", "customer_new"),
    ("/customers/contacts/", "contacts"),
    ("/activities/tasks/new/?kind=schedule", "tasks"),
    ("/workbench/", "workbench"),
    ("/search/?q=x", None),
])
def test_the_sidebar_marks_the_page_the_user_is_on(client_for, tenant_a, boss_a, path, active):
    html = client_for(tenant_a, boss_a).get(path).content.decode()
    marked = re.findall(r'class="sidebar-link[^"]* active" aria-current="page" href="[^"]+" data-menu="([^"]+)"', html)
    assert marked == ([active] if active else [])


def test_a_customers_own_page_keeps_customers_marked(client_for, tenant_a, boss_a):
    from tests.saas_core.customers.conftest import add

    customer = add(tenant_a, boss_a, "标记测试公司")
    html = client_for(tenant_a, boss_a).get(f"/customers/{customer.pk}/").content.decode()
    assert re.findall(r'active" aria-current="page" href="[^"]+" data-menu="([^"]+)"', html) == ["customers"]
