"""The demo company's flow is made once, through the services, and its big draft quotes go through it."""

from __future__ import annotations

import pytest

from saas_core.approvals import demo, services
from saas_core.approvals.models import Approval, FlowVersion
from tests.conftest import in_tenant
from tests.saas_core.quotes.conftest import add, product, quote

pytestmark = pytest.mark.django_db


def test_the_demo_flow_is_made_once_and_big_drafts_are_submitted(org, tenant_a):
    customer = add(tenant_a, org.sales1, "演示客户")
    p = product(tenant_a, org.boss, "专业版")
    big = quote(tenant_a, org.sales1, customer, [(p, "1", "39800", "0")])
    quote(tenant_a, org.sales1, customer, [(p, "1", "9800", "0")])
    with in_tenant(tenant_a):
        demo.make_demo_flow()
        demo.make_demo_flow()
        assert FlowVersion.objects.count() == 2  # the route, then the settings: one design, made once
        approval = Approval.objects.get()
        assert approval.object_id == big.pk
        assert list(services.waiting_for(org.manager).values_list("approval", flat=True)) == [approval.pk]
