"""Sharing (levels, expiry, who may share) and transfer (scope, all or nothing, data log) — CUS-05."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saas_core.customers import access, services, sharing
from saas_core.customers.models import Customer, CustomerShare
from saas_core.org.scope import visible
from saas_core.records.history import history_of
from tests.conftest import in_tenant
from tests.saas_core.org.conftest import _fast_password_hashing, build_org  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def make(owner, name) -> Customer:
    return services.create_customer(by=owner, name=name, confirm_duplicates=True, check_permission=False)


def seen_by(user) -> set[str]:
    return set(visible(Customer.objects.all(), user).values_list("name", flat=True))


def test_levels_decide_view_and_edit(tenant_a, org):
    with in_tenant(tenant_a):
        mine = make(org.sales1, "甲")
        sharing.share(mine, [org.sales2], "read", by=org.sales1)
        sharing.share(mine, [org.sales_w], "write", by=org.sales1)
        assert seen_by(org.sales2) == {"甲"} == seen_by(org.sales_w)
        assert access.can_view(org.sales2, mine) and not access.can_edit(org.sales2, mine)
        assert access.can_edit(org.sales_w, mine) and not access.can_delete(org.sales_w, mine)
        assert seen_by(org.hotline_user) == set()


def test_sharing_again_updates_the_share(tenant_a, org):
    with in_tenant(tenant_a):
        mine = make(org.sales1, "甲")
        sharing.share(mine, [org.sales2], "read", by=org.sales1)
        until = timezone.now() + timedelta(days=3)
        sharing.share(mine, [org.sales2], "write", until, by=org.sales1)
        share = CustomerShare.objects.get(customer=mine)
        assert (share.level, share.expires_at, share.shared_by) == ("write", until, org.sales1)


def test_an_expired_share_no_longer_counts(tenant_a, org):
    with in_tenant(tenant_a):
        mine = make(org.sales1, "甲")
        sharing.share(mine, [org.sales2], "write", timezone.now() + timedelta(hours=1), by=org.sales1)
        assert access.can_edit(org.sales2, mine)
        CustomerShare.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert seen_by(org.sales2) == set()
        assert not access.can_view(org.sales2, mine) and not access.can_edit(org.sales2, mine)
        assert [s.user for s in sharing.shares_of(mine)] == [org.sales2]  # still listed, as expired
        assert sharing.is_expired(sharing.shares_of(mine)[0])
        assert list(sharing.shares_of(mine, include_expired=False)) == []


def test_who_may_share_and_with_whom(tenant_a, org):
    with in_tenant(tenant_a):
        mine = make(org.sales1, "甲")
        with pytest.raises(ValidationError, match="yourself"):
            sharing.share(mine, [org.sales1], by=org.sales1)
        with pytest.raises(ValidationError, match="owns this customer"):
            sharing.share(mine, [org.sales1], by=org.manager)
        with pytest.raises(ValidationError, match="may not view customers"):
            sharing.share(mine, [org.maintainer], by=org.sales1)
        with pytest.raises(ValidationError, match="future"):
            sharing.share(mine, [org.sales2], "read", timezone.now() - timedelta(days=1), by=org.sales1)
        with pytest.raises(ValidationError):
            sharing.share(mine, [org.sales2], "admin", by=org.sales1)
        with pytest.raises(PermissionDenied):  # outside the salesman's scope
            sharing.share(mine, [org.sales_w], by=org.sales2)
        sharing.share(mine, [org.sales2], "read", by=org.sales1)
        with pytest.raises(PermissionDenied, match="read-only"):
            sharing.share(mine, [org.sales_w], by=org.sales2)
        sharing.share(mine, [org.sales2], "write", by=org.manager)  # the manager's scope covers sales1
        sharing.share(mine, [org.sales_w], "read", by=org.sales2)  # a write share may share on
        assert CustomerShare.objects.filter(customer=mine).count() == 2
        with pytest.raises(PermissionDenied):
            sharing.unshare(mine, org.sales2, by=org.sales_w)  # a read share cannot remove others
        assert sharing.unshare(mine, org.sales_w, by=org.sales_w)  # but gives up its own
        assert sharing.unshare(mine, org.sales2, by=org.sales1)
        assert not sharing.unshare(mine, org.sales2, by=org.sales1)


def test_transfer_one_or_many_within_the_scope(tenant_a, org):
    with in_tenant(tenant_a):
        a, b = make(org.sales1, "甲"), make(org.sales1, "乙")
        sharing.share(a, [org.sales2], "read", by=org.sales1)
        assert sharing.transfer([a, b], org.sales2, by=org.manager) == 2
        assert set(Customer.objects.filter(pk__in=[a.pk, b.pk]).values_list("owner_id", flat=True)) == {org.sales2.pk}
        assert not CustomerShare.objects.filter(customer=a, user=org.sales2).exists()  # owns it now
        assert sharing.transfer(a, org.sales2, by=org.boss) == 0  # already theirs
        assert sharing.transfer([b.pk], org.sales1, by=org.sales2) == 1  # a salesman gives their own
        changes = {c.field: (c.old, c.new) for c in history_of(a)[0].changes}
        assert changes == {"owner": (str(org.sales1), str(org.sales2))}


def test_transfer_is_all_or_nothing(tenant_a, org):
    with in_tenant(tenant_a):
        east, shanghai = make(org.sales1, "东"), make(org.sales2, "沪")
        with pytest.raises(PermissionDenied, match="沪"):
            sharing.transfer([east, shanghai], org.sales_w, by=org.manager)
        assert Customer.objects.get(pk=east.pk).owner_id == org.sales1.pk
        # A share, even read and write, does not allow giving a customer away.
        sharing.share(shanghai, [org.sales1], "write", by=org.sales2)
        with pytest.raises(PermissionDenied):
            sharing.transfer([shanghai], org.sales1, by=org.sales1)
        with pytest.raises(ValidationError, match="enabled"):
            org.sales_w.is_active = False
            sharing.transfer([east], org.sales_w, by=org.boss)
        with pytest.raises(PermissionDenied):  # the role may not edit customers
            sharing.transfer([east], org.sales2, by=org.maintainer)
        with pytest.raises(ValidationError):
            sharing.transfer([], org.sales2, by=org.boss)
        assert Customer.objects.get(pk=east.pk).owner_id == org.sales1.pk


def test_a_viewer_with_more_shares_than_fit_inline_still_sees_them_all(tenant_a, org, monkeypatch):
    from saas_core.org import scope

    monkeypatch.setattr(scope, "SHARED_INLINE_MAX", 2)
    with in_tenant(tenant_a):
        shared = [make(org.sales1, name) for name in ("甲", "乙", "丙")]
        make(org.sales1, "丁")  # not shared
        for customer in shared[:2]:
            sharing.share(customer, [org.sales2], "read", by=org.sales1)
        assert seen_by(org.sales2) == {"甲", "乙"}  # two: written inline
        sharing.share(shared[2], [org.sales2], "read", by=org.sales1)
        assert seen_by(org.sales2) == {"甲", "乙", "丙"}  # three: as a subquery
        assert access.can_view(org.sales2, shared[2])
