"""The demo company's sample customers (``crm run`` / ``crm demo``): made like staff make them, once."""

import pytest

from saas_core import cli
from saas_core.customers.models import Contact, Customer
from saas_core.customers.search import search_customers
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def test_sample_customers_are_searchable_and_made_only_once(tenant_a):
    with in_tenant(tenant_a):
        Customer.all_objects.all().delete()
        cli._demo_customers()
        assert Customer.objects.count() == len(cli.DEMO_CUSTOMERS) == Contact.objects.count()
        found = set(search_customers(Customer.objects.all(), "bjkj").values_list("name", flat=True))
        assert found == {"北京华兴科技有限公司", "北京银行科技支行"}
        assert set(search_customers(Customer.objects.all(), "5678").values_list("name", flat=True)) >= {
            "北京华兴科技有限公司"}
        cli._demo_customers()  # a company that has customers gets no more
        assert Customer.objects.count() == len(cli.DEMO_CUSTOMERS)
