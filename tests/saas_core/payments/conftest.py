"""Shared by the receivables tests: the organisation of tests.saas_core.org in tenant A, a signed
contract with a total of 1,000.00 (one product line), made through the services."""

from __future__ import annotations

import pytest

from saas_core.contracts import services as contracts
from tests.conftest import in_tenant
from tests.saas_core.contracts.conftest import add, contract, order, product  # noqa: F401 - helpers
from tests.saas_core.customers.conftest import _fast_password_hashing  # noqa: F401 - fixture
from tests.saas_core.org.conftest import build_org


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def signed_contract(tenant, owner, customer_name: str = "回款客户", total: str = "1000", **fields):
    """A contract in progress of ``owner`` whose total is ``total`` (one line, no discount)."""
    from saas_core.accounts.models import User

    customer = add(tenant, owner, customer_name)
    with in_tenant(tenant):
        boss = User.objects.filter(role="boss").order_by("pk").first()
    p = product(tenant, boss, f"{customer_name}产品")
    c = contract(tenant, owner, customer, [(p, "1", total, "0")], **fields)
    with in_tenant(tenant):
        return contracts.set_status(c, "in_progress", by=owner)


@pytest.fixture
def deal(org, tenant_a):
    return signed_contract(tenant_a, org.sales1)
