"""Shared by the activities tests: the small organisation of tests.saas_core.org in tenant A and
customers created without the duplicate check."""

from __future__ import annotations

import pytest

from tests.saas_core.customers.conftest import _fast_password_hashing, add  # noqa: F401 - fixture; a customer
from tests.saas_core.org.conftest import build_org  # noqa: F401


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)
