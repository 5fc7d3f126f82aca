"""Shared by the customer page tests: the small organisation of tests.saas_core.org in tenant A,
and a customer created without the duplicate check or a permission check."""

from __future__ import annotations

import pytest

from saas_core.customers import services
from tests.conftest import in_tenant
from tests.saas_core.org.conftest import build_org


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def add(tenant, owner, name: str, **fields):
    """A customer of ``owner`` in ``tenant``, as an import would create it (no warnings, no rights)."""
    with in_tenant(tenant):
        return services.create_customer(by=owner, name=name, confirm_duplicates=True, check_permission=False, **fields)
