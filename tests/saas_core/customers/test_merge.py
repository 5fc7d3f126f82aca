"""Merging duplicate customers (CUS-09): everything linked moves, the duplicate goes to the bin."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saas_core.customers import merge, services, sharing
from saas_core.customers.models import Contact, Customer, CustomerShare, PhoneNumber
from saas_core.customers.search import search_customers
from saas_core.dictionaries.models import DictionaryItem
from saas_core.records import bin as recycle_bin
from saas_core.records.history import history_of
from saas_core.records.models import BinEntry
from tests.conftest import in_tenant
from tests.saas_core.org.conftest import _fast_password_hashing, build_org  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def make(owner, name, **fields) -> Customer:
    return services.create_customer(by=owner, name=name, confirm_duplicates=True, check_permission=False, **fields)


@pytest.fixture
def pair(tenant_a, org):
    """sales1's 华兴科技 (survivor) and its duplicate 北京华兴 with two contacts and a sub-customer."""
    with in_tenant(tenant_a):
        survivor = make(org.sales1, "北京华兴科技有限公司", phone="010-6234 5678", contact={"name": "张伟", "mobile": "13800000001"})
        merged = make(
            org.sales1, "北京华兴", phone="010-8888 9999", email="info@huaxing.cn", province="北京",
            industry=DictionaryItem.objects.get(type__key="industry", key="it"), remark="老客户介绍",
            contact={"name": "李娜", "mobile": "13900000002"},
        )
        services.save_contact(None, customer=merged, by=org.boss, name="王强", phone="021-5555 6666", is_primary=True)
        child = make(org.sales1, "华兴上海分公司", parent=merged)
        return survivor, merged, child


def test_merge_moves_contacts_phones_children_and_bins_the_duplicate(tenant_a, org, pair):
    survivor, merged, child = pair
    with in_tenant(tenant_a):
        result = merge.merge(survivor, merged, by=org.sales1)
        assert result.moved == {"customers.contact": 2, "customers.customer.children": 1}
        assert set(Contact.objects.filter(customer=survivor).values_list("name", flat=True)) == {"张伟", "李娜", "王强"}
        assert Contact.objects.filter(customer=survivor, is_primary=True).count() == 1  # the survivor's own
        assert Customer.objects.get(pk=child.pk).parent_id == survivor.pk
        digits = set(PhoneNumber.objects.filter(customer=survivor).values_list("digits", flat=True))
        assert digits == {"01062345678", "13800000001", "13900000002", "02155556666"}
        # The merged one's contacts' numbers now find the survivor.
        assert list(search_customers(Customer.objects.all(), "0002").values_list("pk", flat=True)) == [survivor.pk]
        # Empty fields filled from the duplicate; its own phone is not lost from the record.
        survivor.refresh_from_db()
        assert survivor.email == "info@huaxing.cn" and survivor.province == "北京市" and survivor.industry.key == "it"
        assert survivor.phone == "010-6234 5678"
        assert {"email", "province", "industry"} <= set(result.filled)
        assert "老客户介绍" in survivor.remark and "北京华兴" in survivor.remark
        # The duplicate is in the recycle bin, alone (its contacts stayed with the survivor).
        assert not Customer.objects.filter(pk=merged.pk).exists()
        entry = BinEntry.objects.get(object_id=merged.pk)
        assert entry.dependants == 0
        assert Customer.all_objects.get(pk=merged.pk).bin_entry_id == entry.pk


def test_the_merge_is_in_both_data_logs(tenant_a, org, pair):
    survivor, merged, _child = pair
    with in_tenant(tenant_a):
        merge.merge(survivor, merged, by=org.sales1)
        survivor_log = {c.field for c in history_of(survivor)[0].changes}
        assert {"remark", "e-mail", "province", "industry"} <= survivor_log
        merged_log = history_of(Customer.all_objects.get(pk=merged.pk))
        assert merged_log[0].action == "moved to the recycle bin"
        assert any(c.field == "remark" and "北京华兴科技有限公司" in c.new for e in merged_log for c in e.changes)
        moved_contact = Contact.objects.get(name="李娜")
        assert history_of(moved_contact)[0].changes[0].field == "customer"


def test_restoring_the_merged_one_brings_back_an_empty_shell(tenant_a, org, pair):
    survivor, merged, _child = pair
    with in_tenant(tenant_a):
        merge.merge(survivor, merged, by=org.sales1)
        recycle_bin.restore(BinEntry.objects.get(object_id=merged.pk), by=org.boss)
        assert Customer.objects.filter(pk=merged.pk).exists()
        assert not Contact.objects.filter(customer_id=merged.pk).exists()
        assert set(PhoneNumber.objects.filter(customer_id=merged.pk).values_list("digits", flat=True)) == {"01088889999"}


def test_shares_move_without_duplicates_and_the_wider_one_wins(tenant_a, org, pair):
    survivor, merged, _child = pair
    later = timezone.now() + timedelta(days=9)
    with in_tenant(tenant_a):
        sharing.share(survivor, [org.sales2], "read", timezone.now() + timedelta(days=1), by=org.sales1)
        sharing.share(merged, [org.sales2], "write", later, by=org.sales1)
        sharing.share(merged, [org.sales_w], "read", by=org.sales1)
        merge.merge(survivor, merged, by=org.sales1)
        shares = {s.user_id: (s.level, s.expires_at) for s in CustomerShare.objects.filter(customer=survivor)}
        assert shares == {org.sales2.pk: ("write", later), org.sales_w.pk: ("read", None)}
        assert not CustomerShare.objects.filter(customer=merged).exists()


def test_the_survivor_under_the_merged_one_takes_its_parent(tenant_a, org):
    with in_tenant(tenant_a):
        group = make(org.sales1, "华兴集团")
        merged = make(org.sales1, "华兴", parent=group)
        survivor = make(org.sales1, "华兴科技", parent=merged)
        merge.merge(survivor, merged, by=org.sales1)
        survivor.refresh_from_db()
        assert survivor.parent_id == group.pk
        # A sub-customer of the merged one above the survivor would make a loop: it is cut.
        top = make(org.sales1, "甲")
        middle = make(org.sales1, "乙", parent=top)
        low = make(org.sales1, "丙", parent=middle)
        merge.merge(low, top, by=org.sales1)
        low.refresh_from_db()
        assert low.parent_id is None and Customer.objects.get(pk=middle.pk).parent_id == low.pk


def test_merge_is_refused_with_itself_out_of_scope_read_only_or_binned(tenant_a, org, pair):
    survivor, merged, _child = pair
    with in_tenant(tenant_a):
        others = make(org.sales2, "北京华兴科技")
        with pytest.raises(ValidationError, match="itself"):
            merge.merge(survivor, survivor, by=org.sales1)
        with pytest.raises(PermissionDenied):
            merge.merge(survivor, others, by=org.sales1)
        sharing.share(others, [org.sales1], "read", by=org.sales2)
        with pytest.raises(PermissionDenied, match="may not change"):
            merge.merge(survivor, others, by=org.sales1)
        with pytest.raises(PermissionDenied):
            merge.merge(survivor, merged, by=org.maintainer)
        recycle_bin.trash(others, by=org.boss)
        with pytest.raises(ValidationError, match="recycle bin"):
            merge.merge(survivor, others, by=org.boss)
        assert Contact.objects.filter(customer=merged).count() == 2  # nothing moved


def test_any_other_foreign_key_to_customer_moves(tenant_a, org, pair, monkeypatch):
    """Relations later modules add (follow-ups, opportunities …) are found by walking the model's
    relations; shown here by letting the generic walk handle contacts."""
    survivor, merged, _child = pair
    relations = {(model, fk.name) for model, fk in merge.generic_relations()}
    assert not any(model.__name__.endswith("Event") for model, _ in relations)  # the data log stays
    assert (Contact, "customer") not in relations
    monkeypatch.setattr(merge, "EXPLICIT", merge.EXPLICIT - {(Contact, "customer")})
    monkeypatch.setattr(merge, "_move_contacts", lambda *args: None)
    assert (Contact, "customer") in {(model, fk.name) for model, fk in merge.generic_relations()}
    with in_tenant(tenant_a):
        result = merge.merge(survivor, merged, by=org.sales1)
        assert result.moved["customers.contact.customer"] == 2
        assert Contact.objects.filter(customer=survivor).count() == 3


def test_linked_records_of_other_modules_move_and_one_to_one_extensions_stay(tenant_a, org, pair):
    """The public pool's records point at Customer with hidden relations (related_name="+")."""
    from saas_core.pools.models import ClaimLog, Pool, PoolEntry, ReclaimRule, ReclaimWarning

    survivor, merged, _child = pair
    with in_tenant(tenant_a):
        pool = Pool.objects.create(name="合并测试")
        rule = ReclaimRule.objects.create(pool=pool, days=30)
        ClaimLog.objects.create(user=org.sales1, customer=merged, pool=pool)
        PoolEntry.objects.create(customer=merged, pool=pool)
        at = timezone.now()
        for customer in (survivor, merged):  # the same warning on both: one cannot move
            ReclaimWarning.objects.create(rule=rule, pool=pool, customer=customer, owner=org.sales1, days=30,
                                          basis_at=at, due_at=at + timedelta(days=30))
        ReclaimWarning.objects.create(rule=rule, pool=pool, customer=merged, owner=org.sales2, days=30,
                                      basis_at=at, due_at=at + timedelta(days=30))
        result = merge.merge(survivor, merged, by=org.sales1)
        assert ClaimLog.objects.get().customer_id == survivor.pk
        assert PoolEntry.objects.get().customer_id == merged.pk
        assert sorted(ReclaimWarning.objects.values_list("customer_id", "owner_id")) == sorted([
            (survivor.pk, org.sales1.pk), (merged.pk, org.sales1.pk), (survivor.pk, org.sales2.pk)])
        assert result.moved["pools.claimlog.customer"] == 1 and result.moved["pools.reclaimwarning.customer"] == 1
        assert result.kept == {"pools.reclaimwarning.customer": 1, "pools.poolentry.customer": 1}


def test_preview_counts_what_merge_then_moves_without_changing_anything(tenant_a, org, pair):
    survivor, merged, _child = pair
    with in_tenant(tenant_a):
        sharing.share(merged, [org.sales2], "read", by=org.sales1)
        sharing.share(merged, [org.sales_w], "read", by=org.boss)
        plan = merge.preview(survivor, merged)
        assert plan.moves == {"customers.contact": 2, "customers.customer.children": 1, "customers.customershare": 2,
                              "customers.phonenumber": 2}  # the contacts' numbers; its own phone does not fill a gap
        assert set(plan.filled) == {"email", "province", "industry"}
        assert [merge.describe(key) for key in plan.moves] == ["contacts", "sub-customers", "shares", "phone numbers"]
        assert Customer.objects.get(pk=survivor.pk).email == "" and Contact.objects.filter(customer=merged).count() == 2
        result = merge.merge(survivor, merged, by=org.sales1)
        assert {k: v for k, v in plan.moves.items() if k != "customers.phonenumber"} == result.moved
        assert set(result.filled) == set(plan.filled)
