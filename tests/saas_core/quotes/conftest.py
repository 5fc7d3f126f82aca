"""Shared by the quote tests: the small organisation of tests.saas_core.org in tenant A, customers,
products with prices, and quotes made through the service (no permission check, like an import)."""

from __future__ import annotations

import pytest

from saas_core.lines.services import LineInput
from saas_core.products import services as products
from saas_core.quotes import services
from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import _fast_password_hashing, add  # noqa: F401 - fixture; a customer
from tests.saas_core.org.conftest import build_org


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def product(tenant, by, name: str, *, quote_price="100.00", cost="60.00", **fields):
    with in_tenant(tenant):
        return products.create_product(by=by, name=name, prices={"quote": quote_price, "deal": "90.00"},
                                       cost_price=cost, check_permission=False, **fields)


def quote(tenant, owner, customer, lines: list[tuple], *, discount="0", **fields):
    """A quote of ``owner``; ``lines`` are (product, quantity, unit price or None, discount %)."""
    with in_tenant(tenant):
        return services.create_quote(by=owner, customer=customer, lines=[LineInput(*ln) for ln in lines],
                                     discount=discount, check_permission=False, **fields)
