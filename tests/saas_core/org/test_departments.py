"""The department tree and org chart (ROLE-01): levels, cycles, names, deletes, web and API."""

import re

import pytest
from django.core.exceptions import ValidationError

from saas_core.accounts.models import User
from saas_core.org import services
from saas_core.org.models import Department
from tests.conftest import api, in_tenant

pytestmark = pytest.mark.django_db


def chain(tenant, depth):
    """Departments L1 > L2 > ... of the given depth; returns them top first."""
    out = []
    with in_tenant(tenant):
        for level in range(1, depth + 1):
            out.append(services.create_department(name=f"L{level}", parent=out[-1] if out else None))
    return out


def test_four_levels_are_allowed_a_fifth_is_refused_naming_the_limit(tenant_a):
    levels = chain(tenant_a, 4)
    assert [d.depth for d in levels] == [1, 2, 3, 4]
    with in_tenant(tenant_a), pytest.raises(ValidationError) as exc:
        services.create_department(name="L5", parent=levels[-1])
    assert "at most 4 levels" in exc.value.message_dict["parent"][0]
    with in_tenant(tenant_a):
        assert not Department.objects.filter(name="L5").exists()


def test_moving_keeps_the_subtree_and_refuses_cycles_and_a_fifth_level(tenant_a):
    l1, l2, l3 = chain(tenant_a, 3)
    with in_tenant(tenant_a):
        other = services.create_department(name="Other")
        leaf = services.create_department(name="Leaf", parent=other)
        # Under itself or its own descendant: a circle.
        for target in (l1, l2, l3):
            with pytest.raises(ValidationError) as exc:
                services.move_department(l1, target)
            assert "under itself or one of its own sub-departments" in exc.value.message_dict["parent"][0]
        # Other > Leaf under L3 would put Leaf at level 5.
        with pytest.raises(ValidationError) as exc:
            services.move_department(other, l3)
        assert "level 5" in exc.value.message_dict["parent"][0]
        # L2 (with L3) under Leaf: L2 at 3, L3 at 4, and the subtree query still finds both.
        services.move_department(l2, leaf)
        l2.refresh_from_db()
        l3.refresh_from_db()
        assert (l2.parent_id, l2.depth, l3.depth) == (leaf.pk, 3, 4)
        assert set(services.subtree(other).values_list("name", flat=True)) == {"Other", "Leaf", "L2", "L3"}
        assert set(services.subtree(l1).values_list("name", flat=True)) == {"L1"}
        # And back to the top level.
        services.move_department(l2, None)
        l3.refresh_from_db()
        assert l3.depth == 2 and l3.path.startswith(Department.objects.get(pk=l2.pk).path)


def test_sibling_names_are_unique_but_cousins_may_share_them(tenant_a):
    with in_tenant(tenant_a):
        a = services.create_department(name="North")
        b = services.create_department(name="South")
        services.create_department(name="Sales", parent=a)
        services.create_department(name="Sales", parent=b)
        with pytest.raises(ValidationError) as exc:
            services.create_department(name="sales", parent=a)
        assert "already a department named" in exc.value.message_dict["name"][0]
        with pytest.raises(ValidationError):
            services.create_department(name="north")
        south_sales = Department.objects.get(parent=b)
        with pytest.raises(ValidationError):
            services.move_department(south_sales, a)  # a "Sales" is already there
        with pytest.raises(ValidationError):
            services.update_department(b, name="North")


def test_delete_is_refused_with_the_reason_while_users_or_sub_departments_remain(tenant_a, make_user):
    with in_tenant(tenant_a):
        top = services.create_department(name="Top")
        child = services.create_department(name="Child", parent=top)
    user = make_user(tenant_a, username="member", department=child)
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as exc:
            services.delete_department(top)
        assert "1 sub-department" in exc.value.messages[0]
        with pytest.raises(ValidationError) as exc:
            services.delete_department(child)
        assert "1 user belongs to it" in exc.value.messages[0]
        User.objects.filter(pk=user.pk).update(department=None)
        services.delete_department(child)
        services.delete_department(top)
        assert not Department.objects.exists()


def test_a_deleted_user_does_not_block_deleting_their_department(tenant_a, boss_a, make_user):
    from saas_core.accounts import services as account_services

    with in_tenant(tenant_a):
        dept = services.create_department(name="Gone")
    user = make_user(tenant_a, username="leaver", department=dept)
    with in_tenant(tenant_a):
        account_services.delete_user(user, by=boss_a)
        services.delete_department(dept)
        assert User.all_objects.get(pk=user.pk).department_id is None


def test_org_chart_page_shows_the_nested_tree_with_users_and_roles(client_for, tenant_a, org):
    page = client_for(tenant_a, org.boss).get("/org/departments/")
    assert page.status_code == 200
    html = page.content.decode()
    # Nesting: Shanghai inside East inside Sales; Hotline inside Service.
    sales = html[html.index('data-department="Sales"'):]
    east = sales[sales.index('data-department="East"'):]
    assert 'data-department="Shanghai" data-depth="3"' in east
    assert east.index('data-department="Shanghai"') < east.index('data-department="West"')
    assert 'data-department="Hotline" data-depth="2"' in html[html.index('data-department="Service"'):]
    # Users sit in their department with their role; users without one are listed apart.
    shanghai = east[east.index('data-department="Shanghai"'):east.index('data-department="West"')]
    assert 'data-user="sales2"' in shanghai and "Sales Li" in shanghai and 'data-role="sales"' in shanghai
    assert re.search(r'data-user="manager".*?Manager', east, re.S)
    unassigned = html[html.index('data-testid="unassigned"'):]
    assert 'data-user="maint"' in unassigned and "System maintainer" in unassigned


def test_boss_creates_renames_moves_and_deletes_on_the_web(client_for, tenant_a, boss_a, make_user):
    boss = client_for(tenant_a, boss_a)
    leader = make_user(tenant_a, username="lead", name="Lead Chen")
    assert boss.post("/org/departments/new/", {"name": "Headquarters", "order": 1}).status_code == 302
    with in_tenant(tenant_a):
        hq = Department.objects.get(name="Headquarters")
    form = boss.get(f"/org/departments/new/?parent={hq.pk}")
    assert f'<option value="{hq.pk}" selected>' in form.content.decode()
    boss.post("/org/departments/new/", {"name": "Finance", "parent": hq.pk, "leader": leader.pk})
    with in_tenant(tenant_a):
        finance = Department.objects.get(name="Finance")
    assert finance.parent_id == hq.pk and finance.leader_id == leader.pk and finance.depth == 2
    assert boss.post(f"/org/departments/{finance.pk}/", {"name": "Accounting", "order": 2, "leader": ""}).status_code == 302
    # Moving under itself is not even offered, and posted anyway it is refused with the reason.
    move_page = boss.get(f"/org/departments/{hq.pk}/move/").content.decode()
    assert f'value="{finance.pk}"' not in move_page
    refused = boss.post(f"/org/departments/{hq.pk}/move/", {"parent": finance.pk})
    assert refused.status_code == 200 and "parent" in refused.context["form"].errors
    assert boss.post(f"/org/departments/{finance.pk}/move/", {"parent": ""}).status_code == 302
    with in_tenant(tenant_a):
        finance.refresh_from_db()
    assert (finance.name, finance.parent_id, finance.depth, finance.leader_id) == ("Accounting", None, 1, None)
    # Delete asks first.
    confirm = boss.get(f"/org/departments/{finance.pk}/delete/")
    assert "Really delete" in confirm.content.decode()
    with in_tenant(tenant_a):
        assert Department.objects.filter(pk=finance.pk).exists()
    boss.post(f"/org/departments/{finance.pk}/delete/")
    with in_tenant(tenant_a):
        assert not Department.objects.filter(pk=finance.pk).exists()


def test_delete_page_says_what_blocks_it(client_for, tenant_a, org):
    boss = client_for(tenant_a, org.boss)
    page = boss.get(f"/org/departments/{org.east.pk}/delete/").content.decode()
    assert 'data-testid="delete-blocked"' in page
    assert "2 users belong to it" in page and "1 sub-department" in page
    response = boss.post(f"/org/departments/{org.east.pk}/delete/", follow=True)
    assert "cannot be deleted" in response.content.decode()
    with in_tenant(tenant_a):
        assert Department.objects.filter(pk=org.east.pk).exists()


def test_fifth_level_on_the_web_shows_the_limit(client_for, tenant_a, boss_a):
    levels = chain(tenant_a, 4)
    response = client_for(tenant_a, boss_a).post("/org/departments/new/", {"name": "Too deep", "parent": levels[-1].pk})
    assert response.status_code == 200
    assert "at most 4 levels" in response.context["form"].errors["parent"][0]


def test_api_crud_tree_and_errors(tenant_a, boss_a, org):
    client = api(tenant_a, boss_a)
    created = client.post("/api/v1/departments/", {"name": "Beijing", "parent": org.east.pk, "leader": org.sales1.pk}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["depth"] == 3 and body["parent"] == org.east.pk and body["leader"] == org.sales1.pk
    pk = body["id"]
    moved = client.patch(f"/api/v1/departments/{pk}/", {"parent": org.west.pk, "name": "Beijing office"}, format="json")
    assert moved.status_code == 200 and moved.json()["parent"] == org.west.pk and moved.json()["name"] == "Beijing office"
    tree = client.get("/api/v1/departments/tree/").json()
    sales = next(d for d in tree["departments"] if d["name"] == "Sales")
    assert [c["name"] for c in sales["children"]] == ["East", "West"]
    west = sales["children"][1]
    assert west["children"][0]["name"] == "Beijing office"
    assert [u["username"] for u in west["users"]] == ["sales_w"]
    assert {"maint", boss_a.username} <= {u["username"] for u in tree["unassigned"]}
    # Blocked delete: 400 with the reason; empty delete: 204.
    blocked = client.delete(f"/api/v1/departments/{org.east.pk}/")
    assert blocked.status_code == 400 and "cannot be deleted" in blocked.json()["detail"]
    assert client.delete(f"/api/v1/departments/{pk}/").status_code == 204


@pytest.mark.parametrize("payload, field", [
    ({"name": ""}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "Sales"}, "name"),  # a sibling has the name
    ({"name": "Nowhere", "parent": 999999}, "parent"),
    ({"name": "Nobody leads", "leader": 999999}, "leader"),
    ({"name": "Neg", "order": -1}, "order"),
])
def test_api_bad_input_is_a_400_with_a_field_map(tenant_a, boss_a, org, payload, field):
    response = api(tenant_a, boss_a).post("/api/v1/departments/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


def test_api_move_errors_are_400_on_the_parent_field(tenant_a, boss_a, org):
    client = api(tenant_a, boss_a)
    cycle = client.patch(f"/api/v1/departments/{org.sales.pk}/", {"parent": org.shanghai.pk}, format="json")
    assert cycle.status_code == 400 and "parent" in cycle.json()["errors"]
    # Service > Hotline under Shanghai (level 3) would put Hotline at level 5.
    too_deep = client.patch(f"/api/v1/departments/{org.service.pk}/", {"parent": org.shanghai.pk}, format="json")
    assert too_deep.status_code == 400 and "at most 4 levels" in too_deep.json()["errors"]["parent"][0]


def test_a_users_department_is_a_real_foreign_key_in_company_schemas_only(tenant_a, tenant_b):
    from django.db import connection

    def constraint(schema):
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT count(*) FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
                   WHERE n.nspname = %s AND con.conname = 'accounts_user_department_id_fk_org_department'""",
                [schema],
            )
            return cursor.fetchone()[0]

    assert constraint(tenant_a.schema) == 1 and constraint(tenant_b.schema) == 1  # cloned from the template
    assert constraint("public") == 0  # vendor staff: the column exists, org_department does not
    from django.db import IntegrityError, transaction

    with in_tenant(tenant_a), pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(username=tenant_a.boss_username).update(department_id=987654)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
