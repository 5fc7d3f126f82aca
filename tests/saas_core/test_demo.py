"""The demo company's sample customers (``crm run`` / ``crm demo``): made like staff make them, once."""

import pytest

from saas_core import demo
from saas_core.customers.models import Contact, Customer
from saas_core.customers.search import search_customers
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def test_sample_customers_are_searchable_and_made_only_once(tenant_a):
    with in_tenant(tenant_a):
        Customer.all_objects.all().delete()
        demo._demo_customers()
        assert Customer.objects.count() == len(demo.DEMO_CUSTOMERS) == Contact.objects.count()
        found = set(search_customers(Customer.objects.all(), "bjkj").values_list("name", flat=True))
        assert found == {"北京华兴科技有限公司", "北京银行科技支行"}
        assert set(search_customers(Customer.objects.all(), "5678").values_list("name", flat=True)) >= {
            "北京华兴科技有限公司"}
        demo._demo_customers()  # a company that has customers gets no more
        assert Customer.objects.count() == len(demo.DEMO_CUSTOMERS)


def test_a_working_week_of_activities_is_made_once(tenant_a, boss_a):
    from saas_core.accounts.models import User
    from saas_core.activities.models import DailyReport, FollowUp, Notification, Task
    from saas_core.activities.services import followup_window

    with in_tenant(tenant_a):
        Customer.all_objects.all().delete()
        demo._demo_staff()
        demo._demo_customers()
        demo._demo_activities()
        assert FollowUp.objects.count() == len(demo.DEMO_FOLLOWUPS)
        huaxing = Customer.objects.get(name="北京华兴科技有限公司")
        assert huaxing.last_contact_at is not None and huaxing.category.key == "vip" and huaxing.industry.key == "it"
        assert followup_window(FollowUp.objects.all(), "due_today").exists()
        assert Task.objects.filter(kind="schedule").count() == 2
        assert Task.objects.filter(status=Task.Status.DONE).exists()  # waiting for the Boss to confirm
        assert DailyReport.objects.filter(status=DailyReport.Status.SUBMITTED).count() == 1
        liuyang = User.objects.get(username="liuyang")
        assert huaxing.owner == liuyang
        assert Notification.objects.filter(user__username="chenjing").exists()
        assert Contact.objects.get(name="周婷").birthday.year == 1990  # the manager's task for her
        assert Task.objects.filter(assignments__user=liuyang).count() == 3
        demo._demo_activities()  # a company that has follow-ups gets no more
        assert FollowUp.objects.count() == len(demo.DEMO_FOLLOWUPS)


def test_the_manager_sees_the_team_and_a_demo_without_the_org_tree_gets_no_activities(tenant_a, boss_a):
    from saas_core.accounts.models import User
    from saas_core.activities.models import FollowUp
    from saas_core.org.models import Department
    from saas_core.org.scope import visible

    with in_tenant(tenant_a):
        Customer.all_objects.all().delete()
        demo._demo_staff()
        demo._demo_customers()
        lina, chenjing = User.objects.get(username="lina"), User.objects.get(username="chenjing")
        assert visible(Customer.objects.all(), lina).filter(owner=chenjing).exists()
        assert not visible(Customer.objects.all(), chenjing).filter(owner__username="liuyang").exists()
        Department.objects.filter(name="销售一部").update(name="旧部门")
        demo._demo_activities()
        assert not FollowUp.objects.exists()


def test_the_demo_company_stays_within_its_seats_and_sells_only_installed_modules(db):
    """Seven staff on a five-seat trial failed the first price review; modules without a plugin were sold."""
    from django_tenants.utils import schema_context

    from billing import services
    from billing.models import Module, Plan, Subscription
    from tenants.models import Tenant
    from tenants.provisioning import schema_name_for

    demo.seed()
    tenant = Tenant.objects.get(schema_name=schema_name_for(demo.DEMO_SUBDOMAIN))
    subscription = Subscription.objects.get(tenant=tenant)
    with schema_context(tenant.schema_name):
        used = services.seats_used()
        assert used == len(demo.DEMO_STAFF) + 1 and subscription.seats >= used
        assert services.default_seats(subscription) == used
        services.quote_change(tenant, plan=subscription.plan, seats=services.default_seats(subscription), modules=[])
    installed = Module.objects.installed()
    assert set(Module.objects.filter(price_minor__gt=0).values_list("key", flat=True)) <= set(
        installed.values_list("key", flat=True))
    assert not Plan.objects.filter(included_modules__in=Module.objects.exclude(pk__in=installed)).exists()



def test_a_product_catalogue_is_made_once(tenant_a, boss_a):
    from saas_core.products import services
    from saas_core.products.models import Product
    from saas_core.products.search import search_products

    with in_tenant(tenant_a):
        Product.all_objects.all().delete()
        demo._demo_products()
        assert Product.objects.count() == len(demo.DEMO_PRODUCTS) + 1
        assert [p.name for p in search_products(services.pickable(), "jgdyj")] == ["激光打印机"]
        assert not services.pickable().filter(code="CZ-01").exists()  # discontinued
        assert [name for name, depth in ((c.name, d) for c, d in services.category_tree()) if depth == 0] == [
            "办公设备", "办公耗材", "软件服务"]
        assert Product.objects.filter(needs_cost_review=True).count() == 1
        demo._demo_products()
        assert Product.objects.count() == len(demo.DEMO_PRODUCTS) + 1


def test_opportunities_in_every_stage_are_made_once_with_their_history(tenant_a, boss_a):
    from saas_core.opportunities.models import Opportunity, Stage

    with in_tenant(tenant_a):
        Customer.all_objects.all().delete()
        demo._demo_staff()
        demo._demo_customers()
        demo._demo_opportunities()
        made = Opportunity.objects.select_related("stage", "type")
        assert made.count() == len(demo.DEMO_OPPORTUNITIES)
        standard = {o.stage.name_en for o in made if o.type.name_en == "New business"}
        assert {s.name_en for s in Stage.objects.filter(type__name_en="New business")} - standard <= {"Won"}
        assert {o.stage.outcome for o in made} == {"open", "won", "lost"}
        lost = made.get(stage__outcome="lost")
        assert lost.lost_reason.key == "price" and lost.stage_changes.count() == 4
        assert made.get(subject="华兴科技 CRM 全员版采购").tasks.count() == 1
        demo._demo_opportunities()
        assert Opportunity.objects.count() == len(demo.DEMO_OPPORTUNITIES)
