"""Shared by the activities tests: the small organisation of tests.saas_core.org in tenant A and
customers created without the duplicate check."""

from __future__ import annotations

import pytest

from tests.saas_core.customers.conftest import add  # noqa: F401 - a customer of an owner
from tests.saas_core.org.conftest import api, build_org  # noqa: F401


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)
