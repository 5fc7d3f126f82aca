"""Transfer of a departing user's records (ACC-01): preview, confirm, one transaction, disable."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saas_core.accounts.models import User
from saas_core.org import services
from saas_core.records import bin as recycle_bin
from tests.conftest import api, in_tenant
from tests.recordsapp.models import Project, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver_records(tenant_a, org):
    """sales1 owns 3 projects (one in the recycle bin) and 2 tasks; sales2 owns 1 project."""
    with in_tenant(tenant_a):
        p1 = Project.objects.create(name="A", code="A", owner=org.sales1)
        Project.objects.create(name="B", code="B", owner=org.sales1)
        binned = Project.objects.create(name="C", code="C", owner=org.sales1)
        recycle_bin.trash(binned, by=org.boss)
        Task.objects.create(project=p1, title="t1", owner=org.sales1)
        Task.objects.create(project=p1, title="t2", owner=org.sales1)
        Project.objects.create(name="D", code="D", owner=org.sales2)


def test_preview_lists_what_would_move_per_record_type(tenant_a, org, leaver_records):
    with in_tenant(tenant_a):
        lines = {line.key: line.count for line in services.transfer_preview(org.sales1)}
        assert lines == {"recordsapp.project": 3, "recordsapp.task": 2}
        assert services.transfer_preview(org.sales_w) == []


def test_transfer_moves_everything_at_once_and_can_disable_the_user(tenant_a, org, leaver_records):
    with in_tenant(tenant_a):
        moved = services.transfer_records(org.sales1, org.sales_w, org.boss, disable=True)
        assert moved == {"recordsapp.project": 3, "recordsapp.task": 2}
        assert not Project.all_objects.filter(owner=org.sales1).exists()
        assert Project.all_objects.filter(owner=org.sales_w).count() == 3
        assert Task.objects.filter(owner=org.sales_w).count() == 2
        assert Project.objects.get(code="D").owner_id == org.sales2.pk  # others' records stay
        assert not User.objects.get(pk=org.sales1.pk).is_active
        # A second run finds nothing left.
        assert services.transfer_records(org.sales1, org.sales_w, org.boss) == {}


def test_transfer_is_all_or_nothing(tenant_a, org, leaver_records, monkeypatch):
    from saas_core.accounts import services as account_services

    def fail(*args, **kwargs):
        raise ValidationError("disk on fire")

    monkeypatch.setattr(account_services, "set_active", fail)
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError):
            services.transfer_records(org.sales1, org.sales_w, org.boss, disable=True)
        assert Project.all_objects.filter(owner=org.sales1).count() == 3
        assert Task.objects.filter(owner=org.sales1).count() == 2


def test_transfer_rules(tenant_a, org, leaver_records, make_user):
    disabled = make_user(tenant_a, username="off", is_active=False)
    with in_tenant(tenant_a):
        with pytest.raises(PermissionDenied):
            services.transfer_records(org.sales1, org.sales_w, org.director)
        for target in (org.sales1, disabled, None):
            with pytest.raises(ValidationError) as exc:
                services.transfer_records(org.sales1, target, org.boss)
            assert "to_user" in exc.value.message_dict
        assert Project.all_objects.filter(owner=org.sales1).count() == 3


def test_the_boss_previews_confirms_and_transfers_on_the_web(client_for, tenant_a, org, leaver_records):
    boss = client_for(tenant_a, org.boss)
    assert 'data-testid="transfer"' in boss.get("/accounts/users/").content.decode()
    page = boss.get(f"/org/users/{org.sales1.pk}/transfer/").content.decode()
    assert 'data-record-type="recordsapp.project"' in page and "5 records of Sales Sun will move" in page
    confirm = boss.post(f"/org/users/{org.sales1.pk}/transfer/", {"to_user": org.sales_w.pk, "disable": "on"})
    html = confirm.content.decode()
    assert confirm.status_code == 200 and 'data-testid="confirm-transfer"' in html
    assert "from Sales Sun to Sales Zhou" in html and "Afterwards Sales Sun is disabled" in html
    with in_tenant(tenant_a):
        assert Project.all_objects.filter(owner=org.sales1).count() == 3  # nothing moved before confirming
    done = boss.post(f"/org/users/{org.sales1.pk}/transfer/", {"to_user": org.sales_w.pk, "disable": "on", "confirm": "1"}, follow=True)
    text = done.content.decode()
    assert "5 records of Sales Sun now belong to Sales Zhou" in text and "has been disabled" in text
    with in_tenant(tenant_a):
        assert Project.all_objects.filter(owner=org.sales_w).count() == 3
        assert not User.objects.get(pk=org.sales1.pk).is_active


def test_preview_says_when_nothing_would_move(client_for, tenant_a, org):
    page = client_for(tenant_a, org.boss).get(f"/org/users/{org.sales_w.pk}/transfer/").content.decode()
    assert 'data-testid="nothing-to-move"' in page


def test_transfer_page_and_api_are_boss_only(client_for, tenant_a, org, leaver_records):
    director = client_for(tenant_a, org.director)
    response = director.get(f"/org/users/{org.sales1.pk}/transfer/")
    assert response.status_code == 403 and "Only the Boss may transfer" in response.content.decode()
    director.post(f"/org/users/{org.sales1.pk}/transfer/", {"to_user": org.director.pk, "confirm": "1"})
    forbidden = api(tenant_a, org.director).post(f"/api/v1/users/{org.sales1.pk}/transfer/", {"to_user": org.director.pk}, format="json")
    assert forbidden.status_code == 403
    with in_tenant(tenant_a):
        assert Project.all_objects.filter(owner=org.sales1).count() == 3


def test_transfer_over_the_api(tenant_a, org, leaver_records):
    client = api(tenant_a, org.boss)
    preview = client.get(f"/api/v1/users/{org.sales1.pk}/transfer_preview/").json()
    assert {line["key"]: line["count"] for line in preview} == {"recordsapp.project": 3, "recordsapp.task": 2}
    bad = client.post(f"/api/v1/users/{org.sales1.pk}/transfer/", {"to_user": org.sales1.pk}, format="json")
    assert bad.status_code == 400 and "to_user" in bad.json()["errors"]
    missing = client.post(f"/api/v1/users/{org.sales1.pk}/transfer/", {}, format="json")
    assert missing.status_code == 400 and "to_user" in missing.json()["errors"]
    done = client.post(f"/api/v1/users/{org.sales1.pk}/transfer/", {"to_user": org.sales_w.pk}, format="json").json()
    assert done == {"moved": {"recordsapp.project": 3, "recordsapp.task": 2}, "total": 5, "disabled": False}
