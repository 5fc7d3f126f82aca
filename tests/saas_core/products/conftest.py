"""Shared by the product tests: the small organisation of tests.saas_core.org in tenant A, and a
product made through the service."""

from __future__ import annotations

import pytest

from saas_core.products import services
from tests.conftest import in_tenant
from tests.saas_core.org.conftest import build_org


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def add(tenant, by, name: str, **fields):
    """A product in ``tenant`` made by ``by`` (the Boss unless said otherwise), without permission checks."""
    with in_tenant(tenant):
        return services.create_product(by=by, name=name, check_permission=False, **fields)
