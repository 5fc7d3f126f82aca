"""Who sees and restores what in the recycle bin: delete right + data scope; purge is the Boss's."""

import pytest

from saas_core.records import bin as recycle_bin
from saas_core.records.models import BinEntry
from tests.conftest import in_tenant
from tests.recordsapp.models import Project
from tests.saas_core.org.conftest import build_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(tenant_a, boss_a, make_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # users sign in by force_login
    return build_org(tenant_a, boss_a, make_user)


@pytest.fixture
def trashed(org, tenant_a):
    """A project of an East salesman and one of a West salesman, both in the bin."""
    with in_tenant(tenant_a):
        east = Project.objects.create(name="East deal", code="E1", owner=org.sales1)
        west = Project.objects.create(name="West deal", code="W1", owner=org.sales_w)
        return {
            "east": recycle_bin.trash(east, by=org.boss),
            "west": recycle_bin.trash(west, by=org.boss),
        }


def labels(client) -> set[str]:
    html = client.get("/records/bin/").content.decode()
    return {label for label in ("East deal", "West deal") if label in html}


def test_each_role_sees_the_entries_it_may_restore(client_for, tenant_a, org, trashed):
    assert labels(client_for(tenant_a, org.boss)) == {"East deal", "West deal"}
    assert labels(client_for(tenant_a, org.director)) == {"East deal", "West deal"}  # the Sales subtree
    assert labels(client_for(tenant_a, org.manager)) == {"East deal"}  # the East department only
    assert labels(client_for(tenant_a, org.sales1)) == set()  # Sales may not delete, so not restore
    assert labels(client_for(tenant_a, org.maintainer)) == set()


def test_restoring_outside_the_scope_is_403_and_changes_nothing(client_for, tenant_a, org, trashed):
    manager = client_for(tenant_a, org.manager)
    response = manager.post(f"/records/bin/{trashed['west'].pk}/restore/")
    assert response.status_code == 403
    assert manager.post(f"/api/v1/recycle-bin/{trashed['west'].pk}/restore/").status_code == 404
    with in_tenant(tenant_a):
        assert BinEntry.objects.filter(pk=trashed["west"].pk).exists()
    manager.post(f"/records/bin/{trashed['east'].pk}/restore/")
    with in_tenant(tenant_a):
        assert Project.objects.filter(name="East deal").exists()


def test_only_the_boss_purges_or_empties(client_for, tenant_a, org, trashed):
    director = client_for(tenant_a, org.director)
    assert director.get(f"/records/bin/{trashed['east'].pk}/purge/").status_code == 403
    assert director.post("/records/bin/empty/").status_code == 403
    assert director.delete(f"/api/v1/recycle-bin/{trashed['east'].pk}/").status_code == 403
    boss = client_for(tenant_a, org.boss)
    confirm = boss.get("/records/bin/empty/")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    with in_tenant(tenant_a):
        assert BinEntry.objects.count() == 2  # asking is not doing
    boss.post("/records/bin/empty/")
    with in_tenant(tenant_a):
        assert not BinEntry.objects.exists()
        assert not Project.all_objects.filter(name__in=["East deal", "West deal"]).exists()


def test_bin_of_a_is_unreachable_from_b(client_for, tenant_a, tenant_b, org, trashed, make_user):
    from saas_core.accounts.models import User

    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    other = client_for(tenant_b, boss_b)
    assert labels(other) == set()
    entry = trashed["east"]
    assert other.post(f"/records/bin/{entry.pk}/restore/").status_code in (403, 404)
    assert other.post(f"/records/bin/{entry.pk}/purge/").status_code in (302, 404)
    assert other.delete(f"/api/v1/recycle-bin/{entry.pk}/").status_code == 404
    with in_tenant(tenant_a):
        assert BinEntry.objects.filter(pk=entry.pk).exists()
