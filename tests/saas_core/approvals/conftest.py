"""Shared by the approval tests: the organisation of tests.saas_core.org (boss → director → manager →
sales1/sales2), quotes of sales1, and a two-level flow over an amount designed through the service."""

from __future__ import annotations

import pytest

from saas_core.approvals import flows
from tests.conftest import in_tenant
from tests.saas_core.quotes.conftest import _fast_password_hashing, add, org, product, quote  # noqa: F401

DOC = "quotes.quote"


def two_level_route(*, amount: str = "10000", manager_mode: str = "any", name: str = "Large quotes") -> dict:
    return {"name": name, "priority": 1,
            "conditions": [{"field": "amount", "op": "gt", "value": amount}],
            "nodes": [{"name": "Manager", "approver": "superior", "levels": 1, "mode": manager_mode},
                      {"name": "Director", "approver": "role", "role": "director", "mode": "any"}]}


def design(tenant, boss, *routes: dict, empty_node: str = "pass", resubmit: str = "start"):
    with in_tenant(tenant):
        for route in routes:
            flows.save_route(DOC, None, route, by=boss)
        return flows.save_settings(DOC, by=boss, empty_node=empty_node, resubmit=resubmit)


@pytest.fixture
def big_quote(org, tenant_a):  # noqa: F811 - the fixture imported above
    """A flow over 10,000 and a quote of sales1 for 12,000."""
    design(tenant_a, org.boss, two_level_route())
    customer = add(tenant_a, org.sales1, "华东客户")
    p = product(tenant_a, org.boss, "服务器")
    return quote(tenant_a, org.sales1, customer, [(p, "1", "12000", "0")])
