from __future__ import annotations

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def staff(db):
    from tenants.console.staff import create_vendor_staff

    user, _created = create_vendor_staff(email="ops@vendor.example.com", password=PASSWORD, name="Ops")
    return user


@pytest.fixture
def console(public_client, staff):
    public_client.force_login(staff)
    return public_client
