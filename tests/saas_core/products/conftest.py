"""Shared by the product tests: the small organisation of tests.saas_core.org in tenant A, and a
product made through the service."""

from __future__ import annotations

from saas_core.products import services
from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import _fast_password_hashing, org  # noqa: F401 - shared fixtures


def add(tenant, by, name: str, **fields):
    """A product in ``tenant`` made by ``by`` (the Boss unless said otherwise), without permission checks."""
    with in_tenant(tenant):
        return services.create_product(by=by, name=name, check_permission=False, **fields)
