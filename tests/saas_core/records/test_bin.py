"""Recycle bin (BIN-01): delete with dependants as one group, restore, purge, auto-purge."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from saas_core.records import bin as recycle_bin
from saas_core.records.models import BinEntry
from tests.conftest import in_tenant
from tests.recordsapp.models import Project, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(tenant_a, boss_a):
    with in_tenant(tenant_a):
        project = Project.objects.create(name="华东项目", code="P-1", owner=boss_a)
        Task.objects.create(project=project, title="拜访客户", owner=boss_a)
        Task.objects.create(project=project, title="报价", owner=boss_a)
    return project


def test_delete_moves_record_and_dependants_to_the_bin_as_one_entry(tenant_a, boss_a, project):
    with in_tenant(tenant_a):
        entry = recycle_bin.trash(project, by=boss_a)
        assert not Project.objects.filter(pk=project.pk).exists()
        assert not Task.objects.filter(project_id=project.pk).exists()  # default managers hide the bin
        assert Task.all_objects.filter(project_id=project.pk, bin_entry=entry).count() == 2
        assert (entry.label, entry.dependants, entry.deleted_by) == ("华东项目", 2, boss_a)


def test_restore_brings_the_dependants_back(tenant_a, boss_a, project):
    with in_tenant(tenant_a):
        entry = recycle_bin.trash(project, by=boss_a)
        assert recycle_bin.restore(entry, by=boss_a) == 3
        assert Task.objects.filter(project_id=project.pk).count() == 2
        assert not BinEntry.objects.filter(pk=entry.pk).exists()


def test_a_dependant_deleted_earlier_keeps_its_own_entry(tenant_a, boss_a, project):
    with in_tenant(tenant_a):
        task = Task.objects.filter(project=project).first()
        task_entry = recycle_bin.trash(task, by=boss_a)
        project_entry = recycle_bin.trash(project, by=boss_a)
        assert project_entry.dependants == 1
        recycle_bin.restore(project_entry, by=boss_a)
        assert Task.objects.filter(project=project).count() == 1  # the earlier deletion stays deleted
        assert BinEntry.objects.filter(pk=task_entry.pk).exists()


def test_restoring_a_child_whose_parent_is_in_the_bin_is_refused_clearly(tenant_a, boss_a, project):
    with in_tenant(tenant_a):
        task = Task.objects.filter(project=project).first()
        task_entry = recycle_bin.trash(task, by=boss_a)
        recycle_bin.trash(project, by=boss_a)
        with pytest.raises(ValidationError, match="Restore “华东项目” first"):
            recycle_bin.restore(task_entry, by=boss_a)
        assert Task.all_objects.get(pk=task.pk).deleted_at is not None  # nothing dangling


def test_unique_values_are_free_while_the_holder_is_in_the_bin_and_restore_says_why_it_cannot(tenant_a, boss_a, project):
    with in_tenant(tenant_a):
        entry = recycle_bin.trash(project, by=boss_a)
        Project.objects.create(name="新项目", code="P-1", owner=boss_a)  # the code is free again
        with pytest.raises(ValidationError, match="same unique values"):
            recycle_bin.restore(entry, by=boss_a)
        assert BinEntry.objects.filter(pk=entry.pk).exists()


def test_purge_deletes_for_good_and_keeps_the_history(tenant_a, boss_a, project):
    import pghistory.models

    with in_tenant(tenant_a):
        entry = recycle_bin.trash(project, by=boss_a)
        recycle_bin.purge(entry, by=boss_a)
        assert not Project.all_objects.filter(pk=project.pk).exists()
        assert not Task.all_objects.filter(project_id=project.pk).exists()
        assert not BinEntry.objects.exists()
        assert pghistory.models.Events.objects.tracks(project).count() >= 2  # insert + moved to the bin


def test_purging_a_parent_also_drops_entries_of_dependants_it_took_along(tenant_a, boss_a, project):
    with in_tenant(tenant_a):
        recycle_bin.trash(Task.objects.filter(project=project).first(), by=boss_a)
        project_entry = recycle_bin.trash(project, by=boss_a)
        recycle_bin.purge(project_entry, by=boss_a)
        assert not BinEntry.objects.exists()


def test_expired_entries_are_purged_by_the_periodic_task(tenant_a, boss_a, project):
    from saas_core.records.tasks import purge_expired_bin

    with in_tenant(tenant_a):
        old = recycle_bin.trash(project, by=boss_a)
        BinEntry.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - timedelta(days=31))
        recent = Project.objects.create(name="近期", code="P-2", owner=boss_a)
        recent_entry = recycle_bin.trash(recent, by=boss_a)
        assert purge_expired_bin() == 1  # the tenant's default: 30 days
        assert purge_expired_bin() == 0  # idempotent
        assert list(BinEntry.objects.values_list("pk", flat=True)) == [recent_entry.pk]


def test_trashing_twice_is_refused(tenant_a, boss_a, project):
    with in_tenant(tenant_a):
        recycle_bin.trash(project, by=boss_a)
        with pytest.raises(ValidationError, match="already in the recycle bin"):
            recycle_bin.trash(Project.all_objects.get(pk=project.pk), by=boss_a)
