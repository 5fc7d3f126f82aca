"""Public pools (CUS-06): setting up, releasing, claiming within the rules, assigning, departed users."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saas_core.customers.models import Customer, CustomerShare
from saas_core.pools import services
from saas_core.pools.models import ClaimLog, Pool, PoolEntry
from tests.conftest import in_tenant
from tests.saas_core.pools.conftest import make_customer

pytestmark = pytest.mark.django_db


# --- setting up ----------------------------------------------------------------------------------


def test_only_the_boss_sets_up_pools_and_names_are_unique(tenant_a, org, east_pool):
    with in_tenant(tenant_a):
        with pytest.raises(PermissionDenied, match="Only the Boss"):
            services.save_pool(by=org.manager, name="West pool")
        with pytest.raises(ValidationError) as exc:
            services.save_pool(by=org.boss, name="east POOL")
        assert "already a public pool named" in exc.value.message_dict["name"][0]
        with pytest.raises(ValidationError) as exc:
            services.save_pool(by=org.boss, name="Bad", daily_claim_limit=-1)
        assert "daily_claim_limit" in exc.value.message_dict


def test_one_default_pool(tenant_a, org):
    with in_tenant(tenant_a):
        first = services.save_pool(by=org.boss, name="Everyone", is_default=True)
        second = services.save_pool(by=org.boss, name="Second", is_default=True)
        first.refresh_from_db()
        assert not first.is_default and second.is_default
        assert Pool.objects.filter(is_default=True).count() == 1


def test_membership_by_user_department_subtree_and_open_pools(tenant_a, org, east_pool):
    with in_tenant(tenant_a):
        assert services.is_member(east_pool, org.sales1)  # in East
        assert services.is_member(east_pool, org.sales2)  # in Shanghai, under East
        assert not services.is_member(east_pool, org.sales_w)
        assert services.is_admin(east_pool, org.manager) and services.is_admin(east_pool, org.boss)
        assert not services.is_admin(east_pool, org.sales1)
        west = services.save_pool(by=org.boss, name="West", member_users=[org.sales_w])
        assert services.is_member(west, org.sales_w) and not services.is_member(west, org.sales1)
        everyone = services.save_pool(by=org.boss, name="Open pool")  # no members: open to everyone
        assert services.is_member(everyone, org.sales_w) and services.is_member(everyone, org.hotline_user)
        assert set(services.visible_pools(org.sales_w)) == {west, everyone}
        assert set(services.visible_pools(org.boss)) == {east_pool, west, everyone}
        assert not services.visible_pools(org.maintainer).exists()  # no customer data at all


# --- release and claim ---------------------------------------------------------------------------


def test_release_in_batch_then_claim(tenant_a, org, east_pool, reason):
    with in_tenant(tenant_a):
        a, b = make_customer(org.sales1, "甲公司"), make_customer(org.sales1, "乙公司")
        assert services.release([a, b.pk], east_pool, by=org.sales1, reason=reason, note="Q3 clean-up") == 2
        a.refresh_from_db()
        assert a.owner is None
        entry = PoolEntry.objects.get(customer=a)
        assert (entry.pool, entry.previous_owner, entry.released_by, entry.reason, entry.how, entry.note) == (
            east_pool, org.sales1, org.sales1, reason, "manual", "Q3 clean-up")
        assert set(services.pool_customers(east_pool)) == {a, b}

        claimed = services.claim(a, by=org.sales2)
        assert claimed.owner == org.sales2
        a.refresh_from_db()
        assert a.owner == org.sales2
        assert not PoolEntry.objects.filter(customer=a).exists()
        assert ClaimLog.objects.get(customer=a).user == org.sales2
        assert list(services.pool_customers(east_pool)) == [b]


def test_release_is_all_or_nothing_and_needs_the_edit_right(tenant_a, org, east_pool, reason):
    with in_tenant(tenant_a):
        mine = make_customer(org.sales2, "自己的客户")
        theirs = make_customer(org.sales1, "别人的客户")
        with pytest.raises(ValidationError, match="1 of the chosen customers does not exist"):
            services.release([mine, theirs], east_pool, by=org.sales2, reason=reason)  # not even in sales2's scope
        CustomerShare.objects.create(customer=theirs, user=org.sales2, level="read")
        with pytest.raises(PermissionDenied, match="You may not release customers you cannot edit: “别人的客户”"):
            services.release([mine, theirs], east_pool, by=org.sales2, reason=reason)
        assert Customer.objects.get(pk=mine.pk).owner == org.sales2  # nothing moved
        assert not PoolEntry.objects.exists()
        # The manager's data scope (own department) covers sales1: the manager may release it.
        services.release([theirs], east_pool, by=org.manager, reason=reason)
        with pytest.raises(ValidationError, match="Already in a public pool"):
            services.release([theirs], east_pool, by=org.boss, reason=reason)


def test_release_needs_a_reason_from_the_dictionary_and_a_pool_of_ones_own(tenant_a, org, east_pool):
    from saas_core.dictionaries.services import items_for

    with in_tenant(tenant_a):
        customer = make_customer(org.sales1, "甲公司")
        with pytest.raises(ValidationError) as exc:
            services.release([customer], east_pool, by=org.sales1, reason=None)
        assert exc.value.message_dict == {"reason": ["Choose why the customers go to the pool."]}
        with pytest.raises(ValidationError, match="reasons for releasing"):
            services.release([customer], east_pool, by=org.sales1, reason=items_for("industry")[0])
        assert services.release([customer], east_pool, by=org.sales1, reason="unreachable") == 1  # by code
        west = services.save_pool(by=org.boss, name="West", member_users=[org.sales_w])
        own = make_customer(org.sales1, "乙公司")
        with pytest.raises(PermissionDenied, match="not a member of the public pool “West”"):
            services.release([own], west, by=org.sales1, reason="unreachable")


def test_daily_claim_limit(tenant_a, org, east_pool, in_pool):
    with in_tenant(tenant_a):
        services.claim(in_pool[0], by=org.sales2)
        services.claim(in_pool[1], by=org.sales2)
        with pytest.raises(ValidationError) as exc:
            services.claim(in_pool[2], by=org.sales2)
        assert exc.value.messages == [
            "You have claimed 2 customers from “East pool” today, the daily limit; try again tomorrow."
        ]
        assert exc.value.code == "daily_limit"
        assert services.claim(in_pool[2], by=org.manager).owner == org.manager  # the limit is per person
        # Yesterday's claims do not count.
        ClaimLog.objects.filter(user=org.sales2).update(at=timezone.now() - timedelta(days=1, hours=1))
        services.release([in_pool[2]], east_pool, by=org.manager, reason="no_demand")
        services.claim(in_pool[2], by=org.sales2)


def test_previous_owner_waits_before_claiming_again(tenant_a, org, east_pool, in_pool):
    customer = in_pool[0]
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as exc:
            services.claim(customer, by=org.sales1)
        assert "You were the previous owner of “北京华兴科技有限公司”" in exc.value.messages[0]
        assert "waiting period of 7 days" in exc.value.messages[0]
        services.claim(in_pool[1], by=org.sales2)  # anyone else may claim at once
        PoolEntry.objects.filter(customer=customer).update(released_at=timezone.now() - timedelta(days=7, minutes=1))
        assert services.claim(customer, by=org.sales1).owner == org.sales1


def test_holding_cap(tenant_a, org, east_pool, in_pool):
    with in_tenant(tenant_a):
        services.save_pool(east_pool, by=org.boss, holding_cap=2)
        make_customer(org.sales2, "已有客户一")
        services.claim(in_pool[0], by=org.sales2)  # now holds 2
        with pytest.raises(ValidationError) as exc:
            services.claim(in_pool[1], by=org.sales2)
        assert exc.value.messages == [
            "You already hold 2 customers, the most “East pool” allows; release some before claiming more."
        ]
        with pytest.raises(ValidationError, match="Sales Li already holds 2 customers"):
            services.assign(in_pool[1], to=org.sales2, by=org.manager)  # an admin cannot exceed it either


def test_a_pool_customer_is_assigned_from_the_pool_not_transferred(client_for, tenant_a, org, in_pool):
    """Transferring would give it an owner while its pool entry stays: the pool's rules and log
    would be skipped. Even the Boss is sent to the pool's "assign" instead, in the service and on
    the page."""
    from saas_core.customers import sharing

    with in_tenant(tenant_a):
        with pytest.raises(ValidationError, match="public pool"):
            sharing.transfer([in_pool[0]], org.sales2, by=org.boss)
        assert Customer.objects.get(pk=in_pool[0].pk).owner_id is None
        assert PoolEntry.objects.filter(customer=in_pool[0]).exists()
    page = client_for(tenant_a, org.boss).post(
        f"/customers/{in_pool[0].pk}/transfer/", {"to_user": org.sales2.pk, "confirm": "1"}
    ).content.decode()
    assert "in a public pool: assign it from the pool instead" in page
    with in_tenant(tenant_a):
        assert Customer.objects.get(pk=in_pool[0].pk).owner_id is None


def test_non_member_cannot_claim(tenant_a, org, in_pool):
    with in_tenant(tenant_a):
        with pytest.raises(PermissionDenied, match="You are not a member of the public pool “East pool”"):
            services.claim(in_pool[0], by=org.sales_w)
        with pytest.raises(PermissionDenied, match="may not edit customers"):
            services.claim(in_pool[0], by=org.cs)  # Customer service: view only
        assert Customer.objects.get(pk=in_pool[0].pk).owner is None


def test_claiming_a_taken_customer_says_who_has_it(tenant_a, org, in_pool):
    with in_tenant(tenant_a):
        services.claim(in_pool[0], by=org.sales2)
        with pytest.raises(services.AlreadyTaken) as exc:
            services.claim(in_pool[0], by=org.manager)
        assert exc.value.messages == ["“北京华兴科技有限公司” is no longer in the pool: Sales Li has just claimed it."]
        other = make_customer(org.sales1, "从未放入公海")
        with pytest.raises(ValidationError, match="is not in a public pool"):
            services.claim(other, by=org.sales2)


def test_admin_assigns_to_a_member_without_limit_or_waiting(tenant_a, org, east_pool, in_pool):
    with in_tenant(tenant_a):
        with pytest.raises(PermissionDenied, match="Only an admin of the public pool “East pool”"):
            services.assign(in_pool[0], to=org.sales2, by=org.sales1)
        with pytest.raises(ValidationError, match="Sales Zhou is not a member of “East pool”"):
            services.assign(in_pool[0], to=org.sales_w, by=org.manager)
        # The previous owner, within the waiting period: the admin decides.
        assert services.assign(in_pool[0], to=org.sales1, by=org.manager).owner == org.sales1
        log = ClaimLog.objects.get(customer=in_pool[0])
        assert (log.how, log.by, log.user) == ("assign", org.manager, org.sales1)
        assert services.claimed_today(east_pool, org.sales1) == 0  # assignments are not claims
        assert services.assign(in_pool[1], to=org.sales2, by=org.boss).owner == org.sales2  # the Boss: every pool


def test_a_departed_users_customers_go_to_a_pool(tenant_a, org, east_pool):
    from saas_core.records import bin as recycle_bin

    with in_tenant(tenant_a):
        live = [make_customer(org.sales1, f"客户{i}") for i in range(3)]
        binned = make_customer(org.sales1, "回收站客户")
        recycle_bin.trash(binned, by=org.boss)
        with pytest.raises(PermissionDenied):
            services.release_all_of(org.sales1, east_pool, by=org.manager)
        assert services.release_all_of(org.sales1, east_pool, by=org.boss, disable=True) == 4
        org.sales1.refresh_from_db()
        assert not org.sales1.is_active
        assert not Customer.all_objects.filter(owner=org.sales1).exists()
        entries = PoolEntry.objects.filter(customer__in=live)
        assert {e.how for e in entries} == {"departed"} and {e.reason.key for e in entries} == {"owner_left"}
        assert services.pool_customers(east_pool).count() == 3  # the binned one appears if restored


def test_deleting_a_pool_moves_its_customers(tenant_a, org, east_pool, in_pool):
    with in_tenant(tenant_a):
        other = services.save_pool(by=org.boss, name="Other")
        with pytest.raises(ValidationError) as exc:
            services.delete_pool(east_pool, by=org.boss)
        assert "still holds 3 customers" in exc.value.message_dict["move_to"][0]
        assert services.delete_pool(east_pool, by=org.boss, move_to=other) == 3
        assert services.pool_customers(other).count() == 3


def test_the_data_log_shows_release_and_claim(tenant_a, org, in_pool):
    from saas_core.records.history import history_of

    with in_tenant(tenant_a):
        services.claim(in_pool[0], by=org.sales2)
        log = history_of(in_pool[0])
    owner_changes = [(entry.action, entry.user, c.old, c.new) for entry in log for c in entry.changes if c.field == "owner"]
    assert owner_changes == [
        ("changed", org.sales2, "—", "Sales Li"),  # claimed (newest first)
        ("changed", org.sales1, "Sales Sun", "—"),  # released
        ("created", None, "", "Sales Sun"),
    ]


def test_rules_need_more_days_than_the_warning(tenant_a, org, east_pool):
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as exc:
            services.save_rule(pool=east_pool, by=org.boss, kind="no_follow_up", days=3)
        assert exc.value.message_dict == {
            "days": ["Owners are warned 3 days ahead in this pool; a rule needs more days than that."]}
        services.save_rule(pool=east_pool, by=org.boss, kind="no_follow_up", days=10)
        with pytest.raises(ValidationError, match="shortest reclaim rule of this pool"):
            services.save_pool(east_pool, by=org.boss, warn_days_ahead=10)


def test_dictionary_values_used_by_pools_cannot_be_deleted(tenant_a, org, east_pool, in_pool):
    from saas_core.dictionaries import services as dictionaries

    with in_tenant(tenant_a):
        vip = dictionaries.get_item("customer_category", "vip")
        services.save_rule(pool=east_pool, by=org.boss, level=vip, kind="no_follow_up", days=30)
        with pytest.raises(dictionaries.ItemInUse, match="1 reclaim rule"):
            dictionaries.delete_item(vip)
        with pytest.raises(dictionaries.ItemInUse, match="3 customers in pools"):
            dictionaries.delete_item(dictionaries.get_item("release_reason", "no_demand"))
