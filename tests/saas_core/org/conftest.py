"""A small organisation in tenant A, and API clients.

    Sales (director)                    Service (cs, hotline via Hotline)
    ├── East (manager ← sales1, sales2 report to manager)
    │   └── Shanghai (sales2)
    └── West (sales_w, reports to director)
    Service
    └── Hotline (hotline)
    (no department: maintainer)
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import in_tenant


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests sign users in with force_login; hashing each test user's password with
    Argon2 would only cost time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]



@dataclass
class Org:
    sales: object
    east: object
    shanghai: object
    west: object
    service: object
    hotline: object
    boss: object
    director: object
    manager: object
    sales1: object
    sales2: object
    sales_w: object
    cs: object
    hotline_user: object
    maintainer: object

    def users(self):
        return [self.boss, self.director, self.manager, self.sales1, self.sales2, self.sales_w, self.cs,
                self.hotline_user, self.maintainer]


@pytest.fixture
def org(tenant_a, boss_a, make_user) -> Org:
    return build_org(tenant_a, boss_a, make_user)


def build_org(tenant_a, boss_a, make_user) -> Org:
    """The organisation above, in ``tenant_a`` (also used by tests of other packages)."""
    from saas_core.org import services

    with in_tenant(tenant_a):
        sales = services.create_department(name="Sales")
        east = services.create_department(name="East", parent=sales)
        shanghai = services.create_department(name="Shanghai", parent=east)
        west = services.create_department(name="West", parent=sales)
        service = services.create_department(name="Service")
        hotline = services.create_department(name="Hotline", parent=service)
    director = make_user(tenant_a, username="director", name="Director Zhao", role="director", department=sales)
    manager = make_user(tenant_a, username="manager", name="Manager Qian", role="manager", department=east, superior=director)
    sales1 = make_user(tenant_a, username="sales1", name="Sales Sun", role="sales", department=east, superior=manager)
    sales2 = make_user(tenant_a, username="sales2", name="Sales Li", role="sales", department=shanghai, superior=manager)
    sales_w = make_user(tenant_a, username="sales_w", name="Sales Zhou", role="sales", department=west, superior=director)
    cs = make_user(tenant_a, username="cs", name="Service Wu", role="customer_service", department=service)
    hotline_user = make_user(tenant_a, username="hotline", name="Hotline Zheng", role="sales", department=hotline)
    maintainer = make_user(tenant_a, username="maint", name="Maintainer Wang", role="system_maintainer")
    return Org(sales, east, shanghai, west, service, hotline, boss_a, director, manager, sales1, sales2, sales_w, cs,
               hotline_user, maintainer)
