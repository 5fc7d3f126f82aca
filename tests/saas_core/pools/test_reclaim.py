"""Reclaim rules: owners are warned N days ahead (once), then stale customers return by themselves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from saas_core.customers.models import Customer
from saas_core.dictionaries.services import get_item
from saas_core.pools import services
from saas_core.pools.models import PoolEntry, ReclaimWarning
from tests.conftest import in_tenant
from tests.saas_core.pools.conftest import make_customer

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def aged(owner, name: str, *, created: float, contacted: float | None = None, **fields) -> Customer:
    """A customer of ``owner`` created ``created`` days ago, last contacted ``contacted`` days ago."""
    customer = make_customer(owner, name, **fields)
    now = timezone.now()
    Customer.objects.filter(pk=customer.pk).update(
        created_at=now - created * DAY, last_contact_at=None if contacted is None else now - contacted * DAY,
    )
    customer.refresh_from_db()
    return customer


@pytest.fixture
def rule(tenant_a, org, east_pool):
    with in_tenant(tenant_a):
        return services.save_rule(pool=east_pool, by=org.boss, level=None, kind="no_follow_up", days=30)


def test_a_stale_customer_is_warned_once_then_returns_to_the_pool(tenant_a, org, rule, client_for):
    now = timezone.now()
    with in_tenant(tenant_a):
        stale = aged(org.sales1, "久未跟进公司", created=100, contacted=40)
        fresh = aged(org.sales1, "最近跟进公司", created=100, contacted=10)
        never = aged(org.sales1, "新建未跟进公司", created=5)  # no contact: counts from creation
        assert services.reclaim_due(now) == {"warned": 1, "reclaimed": 0, "dropped_warnings": 0}
        warning = ReclaimWarning.objects.get()
        assert (warning.customer, warning.owner, warning.days) == (stale, org.sales1, 30)
        # Overdue when the rule first saw it: the owner still gets the full 3 days' notice.
        assert warning.due_at == now + 3 * DAY
        for later in (now + timedelta(minutes=5), now + timedelta(hours=1), now + 2 * DAY):
            assert services.reclaim_due(later) == {"warned": 0, "reclaimed": 0, "dropped_warnings": 0}
        assert ReclaimWarning.objects.count() == 1  # exactly once

    workbench = client_for(tenant_a, org.sales1).get("/workbench/").content.decode()
    assert 'data-panel="pools_returning"' in workbench and "久未跟进公司" in workbench
    assert "最近跟进公司" not in workbench
    assert "pools_returning" not in client_for(tenant_a, org.sales2).get("/workbench/").content.decode()

    with in_tenant(tenant_a):
        result = services.reclaim_due(now + 3 * DAY + timedelta(minutes=1))
        assert result["reclaimed"] == 1
        stale.refresh_from_db()
        assert stale.owner is None
        entry = PoolEntry.objects.get(customer=stale)
        assert (entry.pool, entry.how, entry.previous_owner, entry.released_by, entry.reason.key) == (
            rule.pool, "rule", org.sales1, None, "no_follow_up")
        assert entry.note == "No follow-up for 30 days"
        assert Customer.objects.filter(pk__in=[fresh.pk, never.pk], owner=org.sales1).count() == 2
        assert not ReclaimWarning.objects.exists()
        assert services.reclaim_due(now + 3 * DAY + timedelta(hours=1))["reclaimed"] == 0


def test_the_warning_comes_warn_days_ahead_of_the_due_date(tenant_a, org, rule):
    now = timezone.now()
    with in_tenant(tenant_a):
        customer = aged(org.sales1, "快到期公司", created=100, contacted=26.5)
        assert services.reclaim_due(now)["warned"] == 0  # 3.5 days left: not yet
        window_opens = customer.last_contact_at + 27 * DAY
        assert services.reclaim_due(window_opens - timedelta(minutes=1))["warned"] == 0
        assert services.reclaim_due(window_opens)["warned"] == 1
        warning = ReclaimWarning.objects.get(customer=customer)
        assert warning.due_at == customer.last_contact_at + 30 * DAY == warning.warned_at + 3 * DAY
        assert services.reclaim_due(warning.due_at - timedelta(minutes=1))["reclaimed"] == 0
        assert services.reclaim_due(warning.due_at)["reclaimed"] == 1


def test_a_follow_up_after_the_warning_keeps_the_customer(tenant_a, org, rule):
    now = timezone.now()
    with in_tenant(tenant_a):
        customer = aged(org.sales1, "补救公司", created=100, contacted=40)
        services.reclaim_due(now)
        assert list(services.current_warnings(owner=org.sales1).values_list("customer_id", flat=True)) == [customer.pk]
        Customer.objects.filter(pk=customer.pk).update(last_contact_at=now + timedelta(minutes=1))  # a follow-up
        assert not services.current_warnings(owner=org.sales1).exists()
        result = services.reclaim_due(now + 4 * DAY)
        assert result["reclaimed"] == 0 and result["dropped_warnings"] == 1
        assert Customer.objects.get(pk=customer.pk).owner == org.sales1


def test_claiming_starts_a_new_clock(tenant_a, org, rule, reason):
    now = timezone.now()
    with in_tenant(tenant_a):
        customer = aged(org.sales1, "老客户", created=300, contacted=200)
        services.release([customer], rule.pool, by=org.sales1, reason=reason)
        services.claim(customer, by=org.sales2)
        assert services.reclaim_due(now) == {"warned": 0, "reclaimed": 0, "dropped_warnings": 0}
        assert services.reclaim_due(now + 27 * DAY + timedelta(hours=1))["warned"] == 1


def test_the_rule_for_the_customers_level_beats_any_and_the_longest_counts(tenant_a, org, east_pool, rule):
    now = timezone.now()
    with in_tenant(tenant_a):
        vip, a_class = get_item("customer_category", "vip"), get_item("value_class", "a")
        services.save_rule(pool=east_pool, by=org.boss, level=vip, kind="no_follow_up", days=90)
        services.save_rule(pool=east_pool, by=org.boss, level=a_class, kind="no_follow_up", days=60)
        plain = aged(org.sales1, "普通公司", created=200, contacted=40)
        vip_40 = aged(org.sales1, "VIP公司甲", created=200, contacted=40, category=vip)
        vip_100 = aged(org.sales1, "VIP公司乙", created=200, contacted=100, category=vip)
        both_70 = aged(org.sales1, "VIP且A类", created=200, contacted=70, category=vip, value_class=a_class)
        a_70 = aged(org.sales1, "A类公司", created=200, contacted=70, value_class=a_class)
        services.reclaim_due(now)
        warned = dict(ReclaimWarning.objects.values_list("customer_id", "days"))
        assert warned == {plain.pk: 30, vip_100.pk: 90, a_70.pk: 60}
        assert vip_40.pk not in warned and both_70.pk not in warned  # 90 days (VIP) beats 60 (A) and 30 (any)


def test_no_deal_uses_the_signed_status_until_contracts_exist(tenant_a, org, east_pool):
    now = timezone.now()
    with in_tenant(tenant_a):
        services.save_rule(pool=east_pool, by=org.boss, kind="no_deal", days=60)
        services.save_rule(pool=east_pool, by=org.boss, kind="no_opportunity", days=5)  # stored, not evaluated
        talking = aged(org.sales1, "谈判中公司", created=70, contacted=1, status="intention")
        aged(org.sales1, "已签约公司", created=70, status="signed")
        aged(org.sales1, "新公司", created=10)
        services.reclaim_due(now)
        assert list(ReclaimWarning.objects.values_list("customer_id", "rule__kind")) == [(talking.pk, "no_deal")]


def test_owners_in_no_pool_are_covered_by_the_default_pool(tenant_a, org, rule):
    now = timezone.now()
    with in_tenant(tenant_a):
        default = services.save_pool(by=org.boss, name="Company pool", is_default=True, member_users=[org.boss])
        services.save_rule(pool=default, by=org.boss, kind="no_follow_up", days=30)
        east_customer = aged(org.sales1, "东区客户", created=100, contacted=40)
        west_customer = aged(org.sales_w, "西区客户", created=100, contacted=40)
        services.reclaim_due(now)
        pools = dict(ReclaimWarning.objects.values_list("customer_id", "pool__name"))
        assert pools == {east_customer.pk: "East pool", west_customer.pk: "Company pool"}
        services.reclaim_due(now + 4 * DAY)
        assert PoolEntry.objects.get(customer=west_customer).pool == default


def test_warn_days_zero_returns_overdue_customers_at_once(tenant_a, org, east_pool, rule):
    with in_tenant(tenant_a):
        services.save_pool(east_pool, by=org.boss, warn_days_ahead=0)
        customer = aged(org.sales1, "过期公司", created=100, contacted=31)
        assert services.reclaim_due() == {"warned": 0, "reclaimed": 1, "dropped_warnings": 0}
        assert PoolEntry.objects.filter(customer=customer).exists()


def test_a_disabled_rule_does_nothing_and_its_warnings_stop_showing(tenant_a, org, rule):
    with in_tenant(tenant_a):
        aged(org.sales1, "久未跟进公司", created=100, contacted=40)
        services.reclaim_due()
        assert services.current_warnings(owner=org.sales1).count() == 1
        services.save_rule(rule, by=org.boss, is_active=False)
        assert not services.current_warnings(owner=org.sales1).exists()
        assert services.reclaim_due(timezone.now() + 10 * DAY)["reclaimed"] == 0


def test_the_hourly_task_fans_out_to_every_live_tenant(tenant_a, tenant_b, monkeypatch):
    from django.db import connection

    from saas_core.pools import tasks

    seen = []
    monkeypatch.setattr(tasks.reclaim, "delay", lambda: seen.append(connection.schema_name))
    assert tasks.reclaim_all_tenants() >= 2
    assert {tenant_a.schema, tenant_b.schema} <= set(seen)
    with in_tenant(tenant_a):
        assert tasks.reclaim() == {"warned": 0, "reclaimed": 0, "dropped_warnings": 0}
