"""/api/v1/pools/ and /api/v1/pool-rules/: the same rules as the web pages."""

import pytest

from saas_core.customers.models import Customer
from saas_core.pools.models import Pool, PoolEntry, ReclaimRule
from tests.conftest import api, in_tenant
from tests.saas_core.pools.conftest import make_customer

pytestmark = pytest.mark.django_db


def test_members_list_their_pools_and_its_customers(tenant_a, org, east_pool, in_pool):
    listing = api(tenant_a, org.sales2).get("/api/v1/pools/").json()
    assert [(p["name"], p["customer_count"], p["is_admin"]) for p in listing["results"]] == [("East pool", 3, False)]
    assert api(tenant_a, org.manager).get(f"/api/v1/pools/{east_pool.pk}/").json()["is_admin"] is True
    assert api(tenant_a, org.sales_w).get("/api/v1/pools/").json()["results"] == []
    outsider = api(tenant_a, org.sales_w).get(f"/api/v1/pools/{east_pool.pk}/customers/")
    assert outsider.status_code == 404  # not among the pools sales_w may open

    customers = api(tenant_a, org.sales2).get(f"/api/v1/pools/{east_pool.pk}/customers/").json()
    assert customers["count"] == 3
    first = next(c for c in customers["results"] if c["name"] == "北京华兴科技有限公司")
    assert first["previous_owner"] == {"id": org.sales1.pk, "name": "Sales Sun"}
    assert first["reason"] == "No current demand" and first["how"] == "manual"
    found = api(tenant_a, org.sales2).get(f"/api/v1/pools/{east_pool.pk}/customers/", {"search": "bjhx"}).json()
    assert [c["name"] for c in found["results"]] == ["北京华兴科技有限公司"]


def test_claim_then_a_second_claim_is_a_conflict(tenant_a, org, east_pool, in_pool):
    url = f"/api/v1/pools/{east_pool.pk}/claim/"
    won = api(tenant_a, org.sales2).post(url, {"customer": in_pool[0].pk}, format="json")
    assert won.status_code == 200 and won.json()["owner"] == org.sales2.pk
    lost = api(tenant_a, org.manager).post(url, {"customer": in_pool[0].pk}, format="json")
    assert lost.status_code == 409
    assert lost.json()["detail"] == "“北京华兴科技有限公司” is no longer in the pool: Sales Li has just claimed it."


def test_claim_rules_and_membership_over_the_api(tenant_a, org, east_pool, in_pool):
    url = f"/api/v1/pools/{east_pool.pk}/claim/"
    waiting = api(tenant_a, org.sales1).post(url, {"customer": in_pool[0].pk}, format="json")
    assert waiting.status_code == 400 and "previous owner" in waiting.json()["detail"]
    sales2 = api(tenant_a, org.sales2)
    for customer in in_pool[:2]:
        assert sales2.post(url, {"customer": customer.pk}, format="json").status_code == 200
    limited = sales2.post(url, {"customer": in_pool[2].pk}, format="json")
    assert limited.status_code == 400 and "daily limit" in limited.json()["detail"]
    with in_tenant(tenant_a):
        from saas_core.pools import services

        west = services.save_pool(by=org.boss, name="West", member_users=[org.sales_w])
    outsider = api(tenant_a, org.sales_w).post(f"/api/v1/pools/{west.pk}/claim/", {"customer": in_pool[2].pk},
                                               format="json")
    assert outsider.status_code == 400 and "is not in the pool “West”" in outsider.json()["detail"]
    service = api(tenant_a, org.cs).post(url, {"customer": in_pool[2].pk}, format="json")
    assert service.status_code == 404  # Customer service is no member of the East pool


def test_release_and_assign_over_the_api(tenant_a, org, east_pool, reason):
    with in_tenant(tenant_a):
        a, b = make_customer(org.sales2, "甲公司"), make_customer(org.sales2, "乙公司")
    sales2 = api(tenant_a, org.sales2)
    url = f"/api/v1/pools/{east_pool.pk}/release/"
    no_reason = sales2.post(url, {"customers": [a.pk, b.pk]}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["errors"] == {
        "reason": ["Choose why the customers go to the pool."]}
    done = sales2.post(url, {"customers": [a.pk, b.pk], "reason": "no_demand", "note": "batch"}, format="json")
    assert done.status_code == 200 and done.json() == {"released": 2}
    with in_tenant(tenant_a):
        assert PoolEntry.objects.filter(customer__in=[a, b], note="batch").count() == 2

    assign_url = f"/api/v1/pools/{east_pool.pk}/assign/"
    assert sales2.post(assign_url, {"customer": a.pk, "user": org.sales1.pk}, format="json").status_code == 403
    given = api(tenant_a, org.manager).post(assign_url, {"customer": a.pk, "user": org.sales1.pk}, format="json")
    assert given.status_code == 200
    with in_tenant(tenant_a):
        assert Customer.objects.get(pk=a.pk).owner == org.sales1


def test_the_boss_manages_pools_and_rules(tenant_a, org, east_pool):
    from saas_core.dictionaries.services import get_item, items_for

    boss = api(tenant_a, org.boss)
    created = boss.post("/api/v1/pools/", {
        "name": "VIP pool", "member_users": [org.sales1.pk, org.sales2.pk], "admins": [org.director.pk],
        "daily_claim_limit": 3, "reclaim_wait_days": 10, "holding_cap": 50, "warn_days_ahead": 2,
    }, format="json")
    assert created.status_code == 201, created.json()
    pool_id = created.json()["id"]
    assert sorted(created.json()["member_users"]) == sorted([org.sales1.pk, org.sales2.pk])
    assert api(tenant_a, org.manager).post("/api/v1/pools/", {"name": "Mine"}, format="json").status_code == 403
    assert boss.post("/api/v1/pools/", {"name": "vip POOL"}, format="json").status_code == 400

    with in_tenant(tenant_a):
        vip = get_item("customer_category", "vip")
    rule = boss.post("/api/v1/pool-rules/", {"pool": pool_id, "level": vip.pk, "condition": "no_follow_up", "days": 60},
                     format="json")
    assert rule.status_code == 201 and rule.json()["level_label"] == "VIP" and rule.json()["is_evaluated"] is True
    clash = boss.post("/api/v1/pool-rules/", {"pool": pool_id, "level": vip.pk, "condition": "no_follow_up", "days": 9},
                      format="json")
    assert clash.status_code == 400 and "level" in clash.json()["errors"]
    with in_tenant(tenant_a):
        industry = items_for("industry")[0]  # not a customer level
    wrong = boss.post("/api/v1/pool-rules/", {"pool": pool_id, "level": industry.pk, "condition": "no_deal", "days": 9},
                      format="json")
    assert wrong.status_code == 400 and "level" in wrong.json()["errors"]
    assert api(tenant_a, org.manager).get("/api/v1/pool-rules/").status_code == 403
    detail = boss.get(f"/api/v1/pools/{pool_id}/").json()
    assert [(r["condition"], r["days"]) for r in detail["rules"]] == [("no_follow_up", 60)]
    assert boss.patch(f"/api/v1/pool-rules/{rule.json()['id']}/", {"days": 90}, format="json").json()["days"] == 90
    assert boss.delete(f"/api/v1/pools/{pool_id}/").status_code == 204
    with in_tenant(tenant_a):
        assert not Pool.objects.filter(pk=pool_id).exists() and not ReclaimRule.objects.filter(pool_id=pool_id).exists()


def test_my_warnings_and_departed_release(tenant_a, org, east_pool):
    from datetime import timedelta

    from django.utils import timezone

    from saas_core.pools import services

    with in_tenant(tenant_a):
        services.save_rule(pool=east_pool, by=org.boss, kind="no_follow_up", days=30)
        customer = make_customer(org.sales1, "久未跟进公司")
        Customer.objects.filter(pk=customer.pk).update(last_contact_at=timezone.now() - timedelta(days=40),
                                                       created_at=timezone.now() - timedelta(days=90))
        services.reclaim_due()
    warnings = api(tenant_a, org.sales1).get("/api/v1/pools/warnings/").json()["results"]
    assert [(w["customer_name"], w["pool_name"], w["condition"], w["days"]) for w in warnings] == [
        ("久未跟进公司", "East pool", "no_follow_up", 30)]
    assert api(tenant_a, org.sales2).get("/api/v1/pools/warnings/").json()["results"] == []

    body = {"user": org.sales1.pk, "pool": east_pool.pk, "disable": True}
    assert api(tenant_a, org.manager).post("/api/v1/pools/release-departed/", body, format="json").status_code == 403
    assert api(tenant_a, org.boss).post("/api/v1/pools/release-departed/", body, format="json").json() == {"released": 1}


def test_tenant_b_cannot_see_or_claim_pool_customers_of_a(tenant_a, tenant_b, org, east_pool, in_pool, make_user):
    from saas_core.accounts.models import User
    from saas_core.pools import services

    b_user = make_user(tenant_b, role="sales", username="b_sales")
    b = api(tenant_b, b_user)
    assert b.get(f"/api/v1/pools/{east_pool.pk}/").status_code == 404
    assert b.get(f"/api/v1/pools/{east_pool.pk}/customers/").status_code == 404
    with in_tenant(tenant_b):
        b_pool = services.save_pool(by=User.objects.get(username=tenant_b.boss_username), name="B pool")
    listing = b.get("/api/v1/pools/").json()["results"]
    assert [p["name"] for p in listing] == ["B pool"]
    assert b.get(f"/api/v1/pools/{b_pool.pk}/customers/").json()["count"] == 0
    stolen = b.post(f"/api/v1/pools/{b_pool.pk}/claim/", {"customer": in_pool[0].pk}, format="json")
    assert stolen.status_code == 404
    with in_tenant(tenant_a):
        assert Customer.objects.get(pk=in_pool[0].pk).owner is None


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/pools/abc/customers/"),
    ("post", "/api/v1/pools/abc/claim/"),
    ("post", "/api/v1/pools/abc/assign/"),
    ("post", "/api/v1/pools/abc/release/"),
    ("get", "/api/v1/pools/9999999999999999999999/customers/"),
])
def test_a_malformed_pool_id_is_a_json_404_not_a_500(tenant_a, org, method, path):
    answer = getattr(api(tenant_a, org.boss), method)(path, {}, format="json") if method == "post" else \
        api(tenant_a, org.boss).get(path)
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["detail"]
