"""Public pool pages: setup by the Boss, the pool page (search, claim, assign), release, departed users."""

import pytest

from saas_core.accounts.models import User
from saas_core.customers.models import Customer
from saas_core.pools import services
from saas_core.pools.models import Pool, PoolEntry, ReclaimRule
from tests.conftest import in_tenant
from tests.saas_core.pools.conftest import make_customer

pytestmark = pytest.mark.django_db


def test_the_boss_creates_a_pool_and_its_rules(client_for, tenant_a, org):
    boss = client_for(tenant_a, org.boss)
    assert "New public pool" in boss.get("/pools/").content.decode()
    response = boss.post("/pools/new/", {
        "name": "华东公海", "description": "East region", "member_departments": [org.east.pk],
        "member_users": [org.sales_w.pk], "admins": [org.manager.pk], "daily_claim_limit": 5,
        "reclaim_wait_days": 15, "holding_cap": 200, "warn_days_ahead": 3,
    })
    with in_tenant(tenant_a):
        pool = Pool.objects.get(name="华东公海")
        assert set(pool.member_users.all()) == {org.sales_w} and set(pool.admins.all()) == {org.manager}
        assert (pool.daily_claim_limit, pool.reclaim_wait_days, pool.holding_cap) == (5, 15, 200)
    assert response.status_code == 302 and response["Location"] == f"/pools/{pool.pk}/"
    again = boss.post("/pools/new/", {"name": "华东公海", "daily_claim_limit": 5, "reclaim_wait_days": 15,
                                      "holding_cap": 0, "warn_days_ahead": 3})
    assert "There is already a public pool named “华东公海”." in again.content.decode()

    rules_url = f"/pools/{pool.pk}/rules/"
    assert boss.post(rules_url, {"level": "", "kind": "no_follow_up", "days": 30, "is_active": "on"}).status_code == 302
    duplicate = boss.post(rules_url, {"level": "", "kind": "no_follow_up", "days": 45, "is_active": "on"})
    assert "already has a “No follow-up” rule for any customer" in duplicate.content.decode()
    page = boss.get(rules_url).content.decode()
    assert "Any customer" in page and "takes effect when opportunities exist" in page
    with in_tenant(tenant_a):
        assert ReclaimRule.objects.filter(pool=pool).count() == 1


def test_only_the_boss_sets_up(client_for, tenant_a, org, east_pool):
    manager = client_for(tenant_a, org.manager)
    for url in ("/pools/new/", f"/pools/{east_pool.pk}/edit/", f"/pools/{east_pool.pk}/rules/",
                f"/pools/{east_pool.pk}/delete/", "/pools/departed/"):
        response = manager.get(url)
        assert response.status_code == 403, url
    assert "Only the Boss" in manager.get("/pools/new/").content.decode()


def test_pool_page_search_and_claim(client_for, tenant_a, org, east_pool, in_pool):
    sales = client_for(tenant_a, org.sales2)
    menu = sales.get("/workbench/").content.decode()
    assert 'data-menu="pools"' in menu
    page = sales.get(f"/pools/{east_pool.pk}/").content.decode()
    assert all(c.name in page for c in in_pool) and 'data-testid="claim"' in page
    assert "Sales Sun" in page and "No current demand" in page  # previous owner and reason
    found = sales.get(f"/pools/{east_pool.pk}/", {"q": "华兴"}).content.decode()
    assert "北京华兴科技有限公司" in found and "上海云帆网络" not in found
    assert "上海云帆网络" in sales.get(f"/pools/{east_pool.pk}/", {"q": "shyf"}).content.decode()

    target = in_pool[0]
    response = sales.post(f"/pools/{east_pool.pk}/claim/{target.pk}/", follow=True)
    assert "“北京华兴科技有限公司” is now your customer." in response.content.decode()
    with in_tenant(tenant_a):
        assert Customer.objects.get(pk=target.pk).owner == org.sales2
    late = client_for(tenant_a, org.manager).post(f"/pools/{east_pool.pk}/claim/{target.pk}/", follow=True)
    assert "is no longer in the pool: Sales Li has just claimed it." in late.content.decode()


def test_rule_violations_show_as_messages(client_for, tenant_a, org, east_pool, in_pool):
    previous_owner = client_for(tenant_a, org.sales1)
    response = previous_owner.post(f"/pools/{east_pool.pk}/claim/{in_pool[0].pk}/", follow=True)
    assert "You were the previous owner of “北京华兴科技有限公司”" in response.content.decode()
    with in_tenant(tenant_a):
        assert Customer.objects.get(pk=in_pool[0].pk).owner is None


def test_non_member_gets_a_clear_403(client_for, tenant_a, org, east_pool, in_pool):
    outsider = client_for(tenant_a, org.sales_w)
    page = outsider.get(f"/pools/{east_pool.pk}/")
    assert page.status_code == 403
    assert "You are not a member of the public pool “East pool”" in page.content.decode()
    assert outsider.post(f"/pools/{east_pool.pk}/claim/{in_pool[0].pk}/").status_code == 403
    assert "East pool" not in outsider.get("/pools/").content.decode()
    with in_tenant(tenant_a):
        assert Customer.objects.get(pk=in_pool[0].pk).owner is None


def test_admin_assigns_from_the_pool_page(client_for, tenant_a, org, east_pool, in_pool):
    manager = client_for(tenant_a, org.manager)
    page = manager.get(f"/pools/{east_pool.pk}/").content.decode()
    assert 'data-testid="assign"' in page
    assert 'data-testid="assign"' not in client_for(tenant_a, org.sales2).get(f"/pools/{east_pool.pk}/").content.decode()
    response = manager.post(f"/pools/{east_pool.pk}/assign/", {"customer": in_pool[1].pk, "user": org.sales2.pk},
                            follow=True)
    assert "“上海云帆网络” has been assigned to Sales Li." in response.content.decode()
    sales = client_for(tenant_a, org.sales1)
    assert sales.post(f"/pools/{east_pool.pk}/assign/", {"customer": in_pool[2].pk, "user": org.sales1.pk}
                      ).status_code == 403


def test_release_page(client_for, tenant_a, org, east_pool, reason):
    with in_tenant(tenant_a):
        a, b = make_customer(org.sales1, "甲公司"), make_customer(org.sales1, "乙公司")
    sales = client_for(tenant_a, org.sales1)
    url = f"/pools/release/?customers={a.pk},{b.pk}&next=/customers/"
    page = sales.get(url).content.decode()
    assert "甲公司" in page and "乙公司" in page and "East pool" in page and "No current demand" in page
    missing_reason = sales.post(url, {"customers": f"{a.pk},{b.pk}", "pool": east_pool.pk, "reason": ""})
    assert missing_reason.status_code == 200
    response = sales.post(url, {"customers": f"{a.pk},{b.pk}", "pool": east_pool.pk, "reason": reason.pk,
                                "next": "/customers/"})
    assert response.status_code == 302 and response["Location"] == "/customers/"
    with in_tenant(tenant_a):
        assert set(PoolEntry.objects.values_list("customer_id", flat=True)) == {a.pk, b.pk}
        assert not Customer.objects.filter(pk__in=[a.pk, b.pk], owner__isnull=False).exists()


def test_release_page_refuses_someone_elses_customer(client_for, tenant_a, org, east_pool, reason):
    with in_tenant(tenant_a):
        theirs = make_customer(org.sales1, "别人的客户")
    sales2 = client_for(tenant_a, org.sales2)
    response = sales2.post(f"/pools/release/?customers={theirs.pk}",
                           {"customers": str(theirs.pk), "pool": east_pool.pk, "reason": reason.pk})
    assert "cannot be found" in response.content.decode()  # outside sales2's scope: not even named
    with in_tenant(tenant_a):
        assert Customer.objects.get(pk=theirs.pk).owner == org.sales1


def test_the_boss_releases_a_departed_users_customers(client_for, tenant_a, org, east_pool):
    with in_tenant(tenant_a):
        for i in range(2):
            make_customer(org.sales1, f"离职客户{i}")
    boss = client_for(tenant_a, org.boss)
    response = boss.post("/pools/departed/", {"user": org.sales1.pk, "pool": east_pool.pk, "disable": "on"},
                         follow=True)
    assert "2 customers of Sales Sun have been released to “East pool”." in response.content.decode()
    with in_tenant(tenant_a):
        assert services.pool_customers(east_pool).count() == 2
        org.sales1.refresh_from_db()
        assert not org.sales1.is_active


def test_customer_page_panel_offers_release_and_claim(client_for, tenant_a, org, east_pool, in_pool):
    from saas_core.customers.panels import registered_panels

    if "pool" not in {p.key for p in registered_panels()}:
        pytest.skip("customer 360° panels are not installed")
    with in_tenant(tenant_a):
        own = make_customer(org.sales2, "我的客户")
    page = client_for(tenant_a, org.sales2).get(f"/customers/{own.pk}/").content.decode()
    assert f"/pools/release/?customers={own.pk}" in page
    boss_page = client_for(tenant_a, org.boss).get(f"/customers/{in_pool[0].pk}/").content.decode()
    assert "In the public pool “East pool”." in boss_page


def test_tenant_b_cannot_reach_a_pool_of_a(client_for, tenant_a, tenant_b, org, east_pool, in_pool, make_user):
    with in_tenant(tenant_b):
        b_sales = make_user(tenant_b, role="sales", username="b_sales")
    b = client_for(tenant_b, b_sales)
    assert b.get(f"/pools/{east_pool.pk}/").status_code == 404
    assert "East pool" not in b.get("/pools/").content.decode()
    with in_tenant(tenant_b):  # B's Boss sets up an open pool of B's own
        b_pool = services.save_pool(by=User.objects.get(username=tenant_b.boss_username), name="B pool")
    assert b.post(f"/pools/{b_pool.pk}/claim/{in_pool[0].pk}/").status_code == 404
    assert b.get(f"/pools/{b_pool.pk}/").status_code == 200
    with in_tenant(tenant_a):
        assert Customer.objects.get(pk=in_pool[0].pk).owner is None


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders(client_for, tenant_a, org, east_pool, in_pool, language):
    with in_tenant(tenant_a):
        rule = services.save_rule(pool=east_pool, by=org.boss, kind="no_opportunity", days=30)
    boss = client_for(tenant_a, org.boss, HTTP_ACCEPT_LANGUAGE=language)
    for url in ("/pools/", "/pools/new/", f"/pools/{east_pool.pk}/", f"/pools/{east_pool.pk}/edit/",
                f"/pools/{east_pool.pk}/rules/", f"/pools/{east_pool.pk}/rules/{rule.pk}/edit/",
                f"/pools/{east_pool.pk}/delete/", "/pools/departed/", "/pools/warnings/",
                f"/pools/release/?customers={in_pool[0].pk}"):
        assert boss.get(url).status_code == 200, url
    delete_page = boss.get(f"/pools/{east_pool.pk}/delete/").content.decode()
    assert 'name="move_to"' in delete_page
    sales = client_for(tenant_a, org.sales2, HTTP_ACCEPT_LANGUAGE=language)
    for url in ("/pools/", f"/pools/{east_pool.pk}/", "/pools/warnings/", "/pools/release/"):
        assert sales.get(url).status_code == 200, url
