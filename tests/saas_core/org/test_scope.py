"""Data scope (ROLE-02): one mechanism, six kinds, per role, for lists, details and the API.

The business records are the test app's projects (tests.recordsapp, declared with
``@business_record(module="customers", owner_field="owner")``), one owned by each user.
"""

import dataclasses

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import translation
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from saas_core.org import services
from saas_core.org.models import Department
from saas_core.org.scope import ScopedViewSetMixin, can_see, visible, visible_user_ids
from saas_core.records import registry
from tests.conftest import in_tenant
from tests.recordsapp.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(tenant_a, org):
    """One project per user, named after its owner's user name."""
    with in_tenant(tenant_a):
        return {u.username: Project.objects.create(name=u.username, code=f"P-{u.username}"[:20], owner=u) for u in org.users()}


def names(tenant, user):
    with in_tenant(tenant):
        return set(visible(Project.objects.all(), user).values_list("name", flat=True))


def ids(tenant, user):
    with in_tenant(tenant):
        return visible_user_ids(user)


def set_scope(tenant, boss, role, scope, departments=None):
    with in_tenant(tenant):
        services.update_role(role, by=boss, data_scope=scope, chosen_departments=departments)


ALL_USERS = {"director", "manager", "sales1", "sales2", "sales_w", "cs", "hotline", "maint"}


# --- per role, with the seeded defaults ----------------------------------------------------------


def test_boss_sees_everything(tenant_a, org, projects):
    assert ids(tenant_a, org.boss) is None
    assert names(tenant_a, org.boss) == ALL_USERS | {org.boss.username}


def test_director_sees_the_department_subtree(tenant_a, org, projects):
    # Sales and everything below it: East, Shanghai, West.
    assert names(tenant_a, org.director) == {"director", "manager", "sales1", "sales2", "sales_w"}


def test_manager_sees_the_own_department_only(tenant_a, org, projects):
    # East: manager and sales1; Shanghai (a sub-department) is not the department itself.
    assert names(tenant_a, org.manager) == {"manager", "sales1"}


def test_sales_sees_own_records(tenant_a, org, projects):
    assert ids(tenant_a, org.sales1) == {org.sales1.pk}
    assert names(tenant_a, org.sales1) == {"sales1"}
    assert names(tenant_a, org.sales_w) == {"sales_w"}


def test_customer_service_sees_all_customers(tenant_a, org, projects):
    assert ids(tenant_a, org.cs) is None
    assert names(tenant_a, org.cs) == ALL_USERS | {org.boss.username}


def test_system_maintainer_sees_no_business_data(tenant_a, org, projects):
    assert ids(tenant_a, org.maintainer) == set()
    assert names(tenant_a, org.maintainer) == set()  # not even their own
    with in_tenant(tenant_a):
        assert not can_see(org.maintainer, projects["maint"])


def test_assistants_follow_their_principals_scope(tenant_a, org, make_user, projects):
    assistant = make_user(tenant_a, username="assist", role="director_assistant", department=org.sales)
    m_assistant = make_user(tenant_a, username="massist", role="manager_assistant", department=org.east)
    assert names(tenant_a, assistant) == {"director", "manager", "sales1", "sales2", "sales_w"}
    assert names(tenant_a, m_assistant) == {"manager", "sales1"}


# --- each scope kind ------------------------------------------------------------------------------


def test_scope_self_and_subordinates_follows_the_superior_chain(tenant_a, org, projects, make_user):
    deep = make_user(tenant_a, username="deep", role="sales", superior=org.sales2)  # manager > sales2 > deep
    with in_tenant(tenant_a):
        Project.objects.create(name="deep", code="P-deep", owner=deep)
    set_scope(tenant_a, org.boss, "manager", "self_and_subordinates")
    assert names(tenant_a, org.manager) == {"manager", "sales1", "sales2", "deep"}
    set_scope(tenant_a, org.boss, "director", "self_and_subordinates")
    assert names(tenant_a, org.director) == {"director", "manager", "sales1", "sales2", "sales_w", "deep"}
    set_scope(tenant_a, org.boss, "sales", "self_and_subordinates")
    assert names(tenant_a, org.sales2) == {"sales2", "deep"}
    assert names(tenant_a, org.sales_w) == {"sales_w"}


def test_scope_department(tenant_a, org, projects):
    set_scope(tenant_a, org.boss, "sales", "department")
    assert names(tenant_a, org.sales1) == {"manager", "sales1"}
    assert names(tenant_a, org.sales2) == {"sales2"}
    assert names(tenant_a, org.hotline_user) == {"hotline"}


def test_scope_department_tree(tenant_a, org, projects):
    set_scope(tenant_a, org.boss, "manager", "department_tree")
    assert names(tenant_a, org.manager) == {"manager", "sales1", "sales2"}
    set_scope(tenant_a, org.boss, "customer_service", "department_tree")
    assert names(tenant_a, org.cs) == {"cs", "hotline"}


def test_scope_chosen_departments_include_their_subtrees(tenant_a, org, projects):
    set_scope(tenant_a, org.boss, "sales", "chosen_departments", [org.east, org.hotline])
    # East with Shanghai, and Hotline; plus the user's own records.
    assert names(tenant_a, org.sales_w) == {"sales_w", "manager", "sales1", "sales2", "hotline"}


def test_scope_all(tenant_a, org, projects):
    set_scope(tenant_a, org.boss, "sales", "all")
    assert ids(tenant_a, org.sales1) is None
    assert names(tenant_a, org.sales1) == ALL_USERS | {org.boss.username}


def test_a_user_without_department_sees_own_records_under_department_scopes(tenant_a, make_user, org, projects):
    loner = make_user(tenant_a, username="loner", role="manager")
    with in_tenant(tenant_a):
        Project.objects.create(name="loner", code="P-loner", owner=loner)
    assert names(tenant_a, loner) == {"loner"}


def test_moving_a_department_moves_what_its_director_sees(tenant_a, org, projects):
    with in_tenant(tenant_a):
        services.move_department(org.hotline, org.west)  # Hotline now under Sales > West
    assert "hotline" in names(tenant_a, org.director)


def test_records_of_deleted_users_stay_visible_to_their_manager(tenant_a, org, projects):
    from saas_core.accounts import services as account_services

    with in_tenant(tenant_a):
        account_services.delete_user(org.sales1, by=org.boss)
    assert "sales1" in names(tenant_a, org.manager)


# --- shared records, detail checks, unregistered models -----------------------------------------


def test_shared_records_are_added_to_the_scope(tenant_a, org, projects, monkeypatch):
    rt = registry.record_type(Project)
    shared = dataclasses.replace(rt, shared=lambda user: Q(code=f"SHARE-{user.username}"))
    monkeypatch.setitem(registry._registry, Project, shared)
    with in_tenant(tenant_a):
        Project.objects.create(name="shared with sales1", code="SHARE-sales1", owner=org.director)
    assert names(tenant_a, org.sales1) == {"sales1", "shared with sales1"}
    assert names(tenant_a, org.sales2) == {"sales2"}
    with in_tenant(tenant_a):
        assert can_see(org.sales1, Project.objects.get(code="SHARE-sales1"))
        assert not can_see(org.sales2, Project.objects.get(code="SHARE-sales1"))
    assert names(tenant_a, org.maintainer) == set()  # sharing does not reach the System maintainer


def test_can_see_for_detail_pages(tenant_a, org, projects):
    with in_tenant(tenant_a):
        assert can_see(org.manager, projects["sales1"])
        assert not can_see(org.manager, projects["sales2"])
        assert can_see(org.director, projects["sales2"])
        assert not can_see(org.sales1, projects["manager"])
        assert can_see(org.boss, projects["maint"])


def test_unregistered_models_raise_instead_of_going_unfiltered(tenant_a, org):
    with in_tenant(tenant_a), pytest.raises(ImproperlyConfigured, match="not a registered business record"):
        visible(Department.objects.all(), org.sales1)


def test_a_change_of_scope_counts_from_the_next_request(client_for, tenant_a, org, projects):
    boss = client_for(tenant_a, org.boss)
    sales = client_for(tenant_a, org.sales1)
    assert sales.get("/api/v1/access/").json()["visible_user_ids"] == [org.sales1.pk]
    boss.patch("/api/v1/roles/sales/", {"data_scope": "department"}, content_type="application/json")
    assert set(sales.get("/api/v1/access/").json()["visible_user_ids"]) == {org.sales1.pk, org.manager.pk}


# --- the API mixin -------------------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "name", "code", "owner"]


class ProjectViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    queryset = Project.objects.order_by("pk")
    serializer_class = ProjectSerializer

    @action(detail=False, methods=["post"], permission_action="export")
    def export(self, request):
        return Response({"count": self.get_queryset().count()})


def call(tenant, user, method, action_map, pk=None, data=None, url="/api/v1/projects/"):
    factory = APIRequestFactory(HTTP_ACCEPT_LANGUAGE="en")
    request = getattr(factory, method)(url, data or {}, format="json")
    force_authenticate(request, user=user)
    view = ProjectViewSet.as_view(action_map)
    with in_tenant(tenant), translation.override("en"):
        response = view(request, pk=pk) if pk else view(request)
        response.render()
    return response


def test_scoped_api_lists_only_the_scope_and_404s_outside_it(tenant_a, org, projects):
    listing = call(tenant_a, org.manager, "get", {"get": "list"})
    assert listing.status_code == 200
    assert {p["name"] for p in listing.data["results"]} == {"manager", "sales1"}
    inside = call(tenant_a, org.manager, "get", {"get": "retrieve"}, pk=projects["sales1"].pk)
    assert inside.status_code == 200
    outside = call(tenant_a, org.manager, "get", {"get": "retrieve"}, pk=projects["sales2"].pk)
    assert outside.status_code == 404
    edit_outside = call(tenant_a, org.manager, "patch", {"patch": "partial_update"}, pk=projects["sales2"].pk, data={"name": "x"})
    delete_outside = call(tenant_a, org.manager, "delete", {"delete": "destroy"}, pk=projects["sales2"].pk)
    assert edit_outside.status_code == 404 and delete_outside.status_code == 404
    with in_tenant(tenant_a):
        assert Project.objects.get(pk=projects["sales2"].pk).name == "sales2"


def test_scoped_api_refuses_with_403_and_a_message_never_an_empty_200(tenant_a, org, projects):
    # Sales may not delete customers, even their own record.
    refused = call(tenant_a, org.sales1, "delete", {"delete": "destroy"}, pk=projects["sales1"].pk)
    assert refused.status_code == 403
    assert refused.data["detail"] == "Your role (Sales) may not delete customers."
    # The System maintainer may not even list them: 403, not an empty list.
    listing = call(tenant_a, org.maintainer, "get", {"get": "list"})
    assert listing.status_code == 403 and "may not view customers" in str(listing.data["detail"])
    # A custom action names its own permission action.
    export = call(tenant_a, org.sales1, "post", {"post": "export"}, url="/api/v1/projects/export/")
    assert export.status_code == 403 and "may not export customers" in str(export.data["detail"])
    allowed = call(tenant_a, org.manager, "post", {"post": "export"}, url="/api/v1/projects/export/")
    assert allowed.status_code == 200 and allowed.data == {"count": 2}
