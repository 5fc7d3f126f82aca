"""Public pool fixtures: the org of tests/saas_core/org (tenant A) and an "East" pool.

    East pool: members = department East (so sales1, manager, and sales2 via Shanghai);
               admin = manager; daily limit 2, waiting period 7 days, no holding cap, warn 3 days.
"""

from __future__ import annotations

import pytest

from tests.conftest import in_tenant
from tests.saas_core.org.conftest import build_org


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


@pytest.fixture
def reason(tenant_a):
    from saas_core.dictionaries.services import get_item

    with in_tenant(tenant_a):
        return get_item("release_reason", "no_demand")


@pytest.fixture
def east_pool(tenant_a, org):
    from saas_core.pools import services

    with in_tenant(tenant_a):
        return services.save_pool(
            by=org.boss, name="East pool", member_departments=[org.east], admins=[org.manager],
            daily_claim_limit=2, reclaim_wait_days=7, holding_cap=0, warn_days_ahead=3,
        )


def make_customer(owner, name: str, **fields):
    from saas_core.customers import services

    return services.create_customer(by=owner, name=name, check_permission=False, confirm_duplicates=True, **fields)


@pytest.fixture
def in_pool(tenant_a, org, east_pool, reason):
    """Three customers of sales1, released to the East pool: returns them (owner now None)."""
    from saas_core.pools import services

    with in_tenant(tenant_a):
        customers = [make_customer(org.sales1, name) for name in ("北京华兴科技有限公司", "上海云帆网络", "杭州西湖贸易")]
        services.release(customers, east_pool, by=org.sales1, reason=reason)
        for c in customers:
            c.refresh_from_db()
        return customers
